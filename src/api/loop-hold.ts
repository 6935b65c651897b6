/**
 * Process lifetime as in Node's `net`: the engine's timers (retransmission, delayed ACK, keep-alive idle,
 * TIME-WAIT) never keep a Node process alive on their own (RealClock unrefs them), while something the
 * user waits for does: a pending `read()`, `write()`, `accept()`, `connect()` or close, an open listener,
 * an open Node Duplex. Each of those belongs to a `Hold` (one per connection, one per listener); a stack's
 * `LoopHolds` keeps one long interval timer armed while any referenced hold is busy, the way libuv counts
 * referenced handles. `unref()` on a hold or on the stack opts out, as `socket.unref()` does.
 */

/** `ref()`/`unref()` over one flag, as Node's handles have them; subclasses say what follows from it. */
abstract class Referable {
  #referenced = true;

  get referenced(): boolean {
    return this.#referenced;
  }

  ref(): void {
    this.#referenced = true;
    this.update();
  }

  unref(): void {
    this.#referenced = false;
    this.update();
  }

  protected abstract update(): void;
}

/** The stack-wide count of busy, referenced holds; one ref'd timer while it is above zero. */
export class LoopHolds extends Referable {
  readonly #enabled: boolean;
  #busy = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #holding = false;
  #closed = false;

  /** `enabled` is false on clocks that do not run by themselves (a VirtualClock): nothing to keep alive. */
  constructor(enabled: boolean) {
    super();
    this.#enabled = enabled;
  }

  /** True while this stack keeps the event loop alive. */
  get holding(): boolean {
    return this.#holding;
  }

  /** Internal, for `Hold`: one more (or one less) busy referenced hold. */
  adjust(delta: 1 | -1): void {
    this.#busy += delta;
    this.update();
  }

  /** The stack closed: the timer goes for good, and nothing holds the loop any more. */
  close(): void {
    this.#closed = true;
    this.update();
  }

  protected update(): void {
    const want = this.#enabled && !this.#closed && this.referenced && this.#busy > 0;
    if (want === this.#holding) return;
    this.#holding = want;
    const timer = this.#timer;
    // Node's timers are kept for the stack's life and only referenced while it holds: creating and
    // clearing one per busy spell cost 0.4 us, and a 1-byte request and reply makes two or more. A
    // browser's timer (a number) cannot be unreferenced, so there it is cleared and made again.
    if (timer !== null && typeof timer === "object" && !this.#closed) {
      if (want) timer.ref();
      else timer.unref();
    } else if (want) {
      // The longest delay setInterval takes; it never fires in practice, it only counts as a handle.
      this.#timer = setInterval(() => {}, 2 ** 31 - 1);
    } else if (timer !== null) {
      clearInterval(timer);
      this.#timer = null;
    }
  }
}

/** One object's claim on the event loop: busy while `begin()` calls outnumber `end()` calls. */
export class Hold extends Referable {
  readonly #holds: LoopHolds;
  #pending = 0;
  #counted = false;

  constructor(holds: LoopHolds) {
    super();
    this.#holds = holds;
  }

  begin(): void {
    this.#pending++;
    this.update();
  }

  end(): void {
    if (this.#pending > 0) this.#pending--;
    this.update();
  }

  /** Hold the loop for as long as `promise` is pending. */
  during<T>(promise: Promise<T>): Promise<T> {
    this.begin();
    promise.then(
      () => this.end(),
      () => this.end(),
    );
    return promise;
  }

  protected update(): void {
    const want = this.referenced && this.#pending > 0;
    if (want === this.#counted) return;
    this.#counted = want;
    this.#holds.adjust(want ? 1 : -1);
  }
}
