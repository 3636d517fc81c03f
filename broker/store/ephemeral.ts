// The ephemeral store (design.md "Stack"): login transactions, one-time codes, the replay cache,
// SSO sessions, rate-limit counters and events. Shared by every broker node through Redis; the
// in-memory implementation is the embedded default and behaves identically (same atomicity).
// Keys are plain strings; callers namespace them (`tx:…`, `replay:…`, `rl:…`).

export interface EphemeralStore {
  get(key: string): Promise<string | null>;
  /** set with a time to live; overwrites */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** set only when absent (atomic); true when this call created it. The replay cache uses it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** atomic get-and-delete: of concurrent callers exactly one receives the value */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /** atomic increment; the TTL is set when the counter is created and never extended */
  incr(key: string, ttlMs: number): Promise<number>;
  /** remaining time to live in ms, or null when the key does not exist */
  ttl(key: string): Promise<number | null>;
  publish(channel: string, message: string): Promise<void>;
  /** resolves once subscribed; the returned function unsubscribes */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /** true when the backing service answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
