/**
 * `wirestate-tcp/node`: the Node-only adapters. `toNodeDuplex` makes a `stream.Duplex` that passes where Node
 * expects a `net.Socket`; `nodeNet(stack)` is a `net`-shaped facade (`createServer`, `connect`) over a
 * stack. Kept out of the main entry so browser bundles never see `node:stream` or `node:events`.
 */
export {
  type DuplexAddress,
  type DuplexOnRead,
  TcpDuplex,
  type TcpDuplexOptions,
  toNodeDuplex,
} from "./node-duplex.js";
export {
  type NetConnectOptions,
  type NetFacade,
  type NetListenOptions,
  type NetServerOptions,
  nodeNet,
  type ServerAddress,
  TcpServer,
} from "./node-net.js";
