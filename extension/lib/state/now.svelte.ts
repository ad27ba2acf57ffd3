/** A clock that ticks once a second while anything reads it, so ages count up between polls. */
export class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    this.#timer ??= setInterval(() => (this.now = Date.now()), 1000);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
