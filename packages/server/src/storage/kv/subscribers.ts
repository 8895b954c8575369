/** Local fan-out of channel messages to handlers; the backends feed it. */
export class Subscribers {
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  add(channel: string, handler: (message: string) => void): { first: boolean; remove: () => boolean } {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    const channelSet = set;
    return {
      first,
      // true when the channel has no handler left
      remove: () => {
        channelSet.delete(handler);
        if (channelSet.size === 0 && this.handlers.get(channel) === channelSet) {
          this.handlers.delete(channel);
          return true;
        }
        return false;
      },
    };
  }

  deliver(channel: string, message: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch {
        // one failing subscriber must not starve the others
      }
    }
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  clear(): void {
    this.handlers.clear();
  }
}
