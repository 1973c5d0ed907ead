/**
 * What a sender is: one request in, its answer's head out, and what to close. Its own file so that the senders
 * (`node-http.ts`, the proxy's undici in `transport.ts`) and the exchange above them share the shapes without
 * importing each other.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One request as a sender gets it: the body already encoded, the timeout as a signal. */
export interface WireRequest {
  method: Method;
  url: URL;
  headers: Record<string, string>;
  /** Bytes (sent with their length), or a stream (a body with files, sent chunked as it is read). */
  body?: Uint8Array | AsyncIterable<Uint8Array>;
  /** Aborts the whole exchange, the answer's body included; the sender then rejects with its reason. */
  signal: AbortSignal;
}

/** An answer whose status line and headers have come in; its body is read by `text()`. */
export interface WireAnswer {
  status: number;
  /** A header by its lower-case name; repeated ones joined with ", ". */
  header: (name: string) => string | undefined;
  text: () => Promise<string>;
}

/** How requests are sent, and what to close when the client is done with it. */
export interface Dispatcher {
  /** Rejects when no answer came: with the signal's reason on a timeout, else with the network failure. */
  send: (request: WireRequest) => Promise<WireAnswer>;
  /** Closes the client's own connections, so that no idle socket outlives the upload. */
  close: () => Promise<void>;
}
