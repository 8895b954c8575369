/**
 * Collects the calls made during one turn of the event loop and hands them to `flush` together
 * once that turn is over. On SQLite every autocommitted write pays for its own commit (a WAL
 * append and its index pages), and on PostgreSQL for its own round trip; a hot path that
 * writes one row per request pays that once per turn instead of once per request.
 *
 * `flush` answers each item in order, or throws, which fails every call of the batch.
 */
export class TurnBatches<Item, Answer> {
  private pending: { item: Item; resolve(answer: Answer): void; reject(error: unknown): void }[] = [];

  constructor(private readonly flush: (items: Item[]) => Promise<Answer[]>) {}

  add(item: Item): Promise<Answer> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.run());
      this.pending.push({ item, resolve, reject });
    });
  }

  private async run(): Promise<void> {
    const calls = this.pending;
    this.pending = [];
    try {
      const answers = await this.flush(calls.map((call) => call.item));
      for (const [i, call] of calls.entries()) call.resolve(answers[i] as Answer);
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }
}
