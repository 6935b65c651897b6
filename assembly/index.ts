// Placeholder: the wire core (issue 2) replaces this with checksum, sequence arithmetic and packet parse/build.
export function add(a: i32, b: i32): i32 {
  return a + b;
}
