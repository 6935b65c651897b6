/** Node-only capture pieces (`wirestate-tcp/pcap/node`): streaming to a file. */
export { NodeFileSink, type NodeFileSinkOptions, type FileOps } from "./node-file-sink.js";
