// forward-down: an endpoint reported down stays down for `afterMs` -> one alert; when it comes back
// after that alert, one `recovered` alert. A short blip alerts nobody.
export class ForwardDownWatch {
  private readonly down = new Map<string, { since: number; timer: NodeJS.Timeout | null; alerted: boolean }>();

  constructor(
    public afterMs: number,
    private readonly onDown: (endpoint: string, since: number) => void,
    private readonly onUp: (endpoint: string, since: number) => void,
  ) {}

  markDown(endpoint: string, at = Date.now()): void {
    if (this.down.has(endpoint)) return;
    const state = { since: at, timer: null as NodeJS.Timeout | null, alerted: false };
    state.timer = setTimeout(() => {
      state.timer = null;
      state.alerted = true;
      this.onDown(endpoint, state.since);
    }, Math.max(0, this.afterMs - (Date.now() - at)));
    state.timer.unref();
    this.down.set(endpoint, state);
  }

  markUp(endpoint: string): void {
    const state = this.down.get(endpoint);
    if (!state) return;
    this.down.delete(endpoint);
    if (state.timer) clearTimeout(state.timer);
    if (state.alerted) this.onUp(endpoint, state.since);
  }

  close(): void {
    for (const s of this.down.values()) if (s.timer) clearTimeout(s.timer);
    this.down.clear();
  }
}
