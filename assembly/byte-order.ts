// Big-endian (network order) loads and stores for the datagram parser and builders.

@inline export function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline export function put16(p: usize, v: u32): void {
  store<u16>(p, bswap<u16>(<u16>v));
}

@inline export function put32(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}
