import type { ConnectionInfo, TcpState } from "../tcp/types.js";

/** Linux's TCP state numbers (include/net/tcp_states.h), as tcpi_state reports them. */
const LINUX_STATES: Record<TcpState, number> = {
  ESTABLISHED: 1,
  "SYN-SENT": 2,
  "SYN-RECEIVED": 3,
  "FIN-WAIT-1": 4,
  "FIN-WAIT-2": 5,
  "TIME-WAIT": 6,
  CLOSED: 7,
  "CLOSE-WAIT": 8,
  "LAST-ACK": 9,
  LISTEN: 10,
  CLOSING: 11,
};

const STATE_NAMES: Record<string, number> = {
  TCP_ESTABLISHED: 1,
  TCP_SYN_SENT: 2,
  TCP_SYN_RECV: 3,
  TCP_FIN_WAIT1: 4,
  TCP_FIN_WAIT2: 5,
  TCP_TIME_WAIT: 6,
  TCP_CLOSE: 7,
  TCP_CLOSE_WAIT: 8,
  TCP_LAST_ACK: 9,
  TCP_LISTEN: 10,
  TCP_CLOSING: 11,
};

/**
 * struct tcp_info fields (Linux's units: microseconds, segments) computed from the engine's ConnectionInfo,
 * where the two mean the same thing; undefined for a field without an equivalent.
 */
export function tcpInfoField(info: ConnectionInfo, name: string): number | undefined {
  if (name in STATE_NAMES) return STATE_NAMES[name];
  const segments = (bytes: number) => Math.ceil(bytes / info.mss);
  switch (name) {
    case "tcpi_state":
      return LINUX_STATES[info.state];
    case "tcpi_rto":
      return Math.round(info.rto * 1000);
    case "tcpi_rtt":
      return info.srtt === undefined ? 0 : Math.round(info.srtt * 1000);
    case "tcpi_rttvar":
      return info.rttvar === undefined ? 0 : Math.round(info.rttvar * 1000);
    case "tcpi_snd_mss":
      return info.mss;
    case "tcpi_snd_cwnd":
      return Math.floor(info.cwnd / info.mss);
    case "tcpi_snd_ssthresh":
      return Number.isFinite(info.ssthresh) ? Math.floor(info.ssthresh / info.mss) : 0x7fffffff;
    case "tcpi_unacked":
      return segments(info.bytesInFlight);
    case "tcpi_total_retrans":
      return info.retransmits;
    case "tcpi_bytes_retrans":
      return info.retransmittedBytes;
    case "tcpi_bytes_received":
      return info.bytesReceived;
    case "tcpi_bytes_sent":
      return info.bytesSent;
    case "tcpi_segs_out":
      return info.segmentsSent;
    case "tcpi_segs_in":
      return info.segmentsReceived;
    case "tcpi_snd_wscale":
      return info.windowScale?.send;
    case "tcpi_rcv_wscale":
      return info.windowScale?.receive;
    default:
      return undefined;
  }
}
