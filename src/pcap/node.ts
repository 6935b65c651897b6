/** Node-only capture pieces (`wirestate/pcap/node`): streaming to a file. */
export { NodeFileSink, type NodeFileSinkOptions, type FileOps } from "./node-file-sink.js";
