/** A link could not be set up: a bad address, a port that cannot be bound, a relay that cannot listen. */
export class LinkSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LinkSetupError";
  }
}
