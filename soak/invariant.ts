// What an invariant checker returns: how many things it checked, every violation with enough
// context to reproduce it (process slot, turn, session, and the simulator requests involved),
// and notes (excused or expected oddities, counted). Types and a small builder.

export interface Violation {
  readonly message: string;
  readonly slot?: string;
  readonly inc?: number;
  readonly turnId?: string;
  readonly sessionId?: string;
  /** Indexes into the simulator's request log of the requests involved. */
  readonly requests?: readonly number[];
}

export interface InvariantResult {
  readonly id: string;
  readonly title: string;
  /** How many things were checked, and what they are ("turns", "requests"...). */
  readonly checked: number;
  readonly unit: string;
  readonly violations: readonly Violation[];
  /** Counted remarks: "12 turns in flight at SIGKILL (not counted)". */
  readonly notes: readonly string[];
}

export class InvariantBuilder {
  readonly #id: string;
  readonly #title: string;
  readonly #unit: string;
  #checked = 0;
  readonly #violations: Violation[] = [];
  readonly #counts = new Map<string, number>();

  constructor(id: string, title: string, unit: string) {
    this.#id = id;
    this.#title = title;
    this.#unit = unit;
  }

  check(count = 1): void {
    this.#checked += count;
  }

  fail(violation: Violation): void {
    this.#violations.push(violation);
  }

  /** Counts a remark; notes print as "N remark". */
  note(remark: string, count = 1): void {
    this.#counts.set(remark, (this.#counts.get(remark) ?? 0) + count);
  }

  result(): InvariantResult {
    return {
      id: this.#id,
      title: this.#title,
      checked: this.#checked,
      unit: this.#unit,
      violations: this.#violations,
      notes: [...this.#counts].map(([remark, count]) => `${count} ${remark}`),
    };
  }
}
