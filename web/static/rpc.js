// The room protocol's transport (docs/PROTOCOL.md): JSON-RPC over one WebSocket at a time. Requests with
// ids and timeouts, notifications both ways, and reopening with backoff after a drop. Knows no method of
// the protocol: the SDK (atrium.js) and the control center (control/control.js) build on it.
//
//   import { RpcSocket } from '/rpc.js';
//   const rpc = new RpcSocket();
//   rpc.addEventListener('notification', e => show(e.detail.method, e.detail.params));
//   rpc.addEventListener('drop', e => reopen(e.detail.code));
//   await rpc.open();
//   const result = await rpc.request('watch_room', { auth_token });

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * The close code of a socket Atrium refused because its client address already has
 * `rooms.sockets_per_address` open: 1013, "try again later" (docs/SECURITY.md, finding 19).
 */
export const TOO_MANY_SOCKETS = 1013;
/** The failures by which Atrium turns a client away for load (a 1013 close, a 429 answer): worth retrying, not at once. */
const REFUSALS = new Set(['too-many-connections', 'rate-limited']);
/** The shortest pause after a refusal: an attempt at once would be refused again. */
const REFUSED_DELAY_MS = 1000;

/**
 * An error from Atrium or from the SDK. `code` is the JSON-RPC error code (e.g. 401, 403, 404,
 * -32601) or 0 for SDK-side failures; `reason` is a stable word for the cases an app handles:
 * 'password', 'credentials', 'waiting', 'room-not-found', 'token', 'muted-by-admin', 'admin-only',
 * 'rejected', 'timeout', 'closed', 'too-many-connections' (the socket was refused: its address has too many
 * open), 'rate-limited' (a 429 answer), 'unreachable', 'negotiation', or 'other'; `data` is the error's
 * `data` when Atrium sent one.
 */
export class AtriumError extends Error {
  /** @param {string} message @param {number} code @param {string} [method] @param {string} [reason] */
  constructor(message, code = 0, method = undefined, reason = undefined) {
    super(message);
    this.name = 'AtriumError';
    this.code = code;
    this.method = method;
    this.reason = reason ?? classify(code, message);
  }
}

/** @param {number} code @param {string} message @returns {string} */
function classify(code, message) {
  const m = message.toLowerCase();
  if (code === 401 && m.includes('correct password')) return 'password';
  if (code === 401 && m.startsWith('invalid auth token')) return 'token';
  if (code === 401) return 'credentials';
  if (code === 403 && m.includes('waiting to be')) return 'waiting';
  if (code === 403 && m.includes('muted by an admin')) return 'muted-by-admin';
  if (code === 403 && m.includes('admin only')) return 'admin-only';
  if (code === 404 && m.includes("room doesn't exist")) return 'room-not-found';
  if (code === 429) return 'rate-limited';
  if (code === 500) return 'negotiation';
  return 'other';
}

/** ws(s)://<this host>/v1/rtc */
export function defaultUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/rtc`;
}

/**
 * One JSON-RPC connection to Atrium, over one WebSocket at a time (a new one on each {@link open}).
 * Events (CustomEvent, payload in `detail`):
 *
 * - `notification` {method, params}: a message from the server that is not an answer
 * - `drop` {code, reason}: the open socket closed without {@link close} (pending requests are already
 *   rejected with `reason`: 'too-many-connections' for a socket Atrium refused ({@link TOO_MANY_SOCKETS}),
 *   else 'closed'); reopen with {@link open} or {@link openWith}
 */
export class RpcSocket extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] default ws(s)://<this host>/v1/rtc
   * @param {number} [options.timeoutMs] how long a request waits for its answer, and a socket to open (10 s)
   */
  constructor(options = {}) {
    super();
    this.url = options.url ?? defaultUrl();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    /** @type {WebSocket|null} the open socket, or null */
    this.socket = null;
    /** @type {string|null} why the last socket opened closed without {@link close} (a `drop` reason), or null */
    this.dropReason = null;
    this._nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function, timer: number, method: string}>} */
    this._pending = new Map();
  }

  /** Whether a socket is open. */
  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Opens a new WebSocket (closing the current one). Rejects with reason 'unreachable' when it cannot, or when
   * it has not opened within `timeoutMs` (something that takes the connection and never answers the upgrade,
   * which a browser may wait on for minutes).
   */
  open() {
    this.close(1000, 'reopened');
    this.dropReason = null;
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        reject(new AtriumError(`cannot open ${this.url}: ${e.message}`, 0, undefined, 'unreachable'));
        return;
      }
      let opened = false;
      const unreachable = () => reject(new AtriumError('The server is unreachable.', 0, undefined, 'unreachable'));
      const unopened = setTimeout(() => {
        ws.onclose = null;
        ws.close();
        unreachable();
      }, this.timeoutMs);
      ws.onopen = () => {
        clearTimeout(unopened);
        opened = true;
        this.socket = ws;
        resolve();
      };
      ws.onmessage = event => this._onMessage(event.data);
      ws.onclose = event => {
        if (!opened) {
          clearTimeout(unopened);
          unreachable();
          return;
        }
        if (this.socket === ws) {
          const refused = event.code === TOO_MANY_SOCKETS;
          this.socket = null;
          this.dropReason = refused ? 'too-many-connections' : 'closed';
          this._rejectPending(refused ? event.reason || 'too many connections' : 'the connection closed', this.dropReason);
          this.dispatchEvent(new CustomEvent('drop', { detail: { code: event.code, reason: this.dropReason } }));
        }
      };
    });
  }

  /**
   * Opens a socket and runs `attempt` on it (e.g. watching or re-joining), again on a new socket after
   * each failure, waiting `initialDelayMs` doubling up to `maxDelayMs` in between (at least 1 s after
   * Atrium refused the socket or answered 429; each pause shortened by up to a quarter at random, so
   * that tabs refused together do not come back together), until it succeeds (resolves to its
   * result), `deadline` (epoch ms) would pass or `stopped()` holds (resolves to null). A failure for
   * which `fatal(error)` holds ends it at once: rejects with it. Every other failure is told to
   * `onFailure({error, reason, retryInMs})`: `reason` is the error's (an {@link AtriumError} reason;
   * 'too-many-connections' when Atrium refused the socket), `retryInMs` the pause before the next
   * attempt, or null when there is none (giving up).
   * @template T
   * @param {() => Promise<T>} attempt
   * @param {{deadline?: number, initialDelayMs?: number, maxDelayMs?: number, fatal?: (e: any) => boolean,
   *   stopped?: () => boolean, onFailure?: (f: {error: any, reason: string, retryInMs: number|null}) => void}} [options]
   * @returns {Promise<T|null>}
   */
  async openWith(attempt, options = {}) {
    const { deadline = Infinity, maxDelayMs = 4000, fatal = () => false, stopped = () => false, onFailure = () => {} } = options;
    let delay = options.initialDelayMs ?? 250;
    while (!stopped()) {
      try {
        await this.open();
        return await attempt();
      } catch (e) {
        if (fatal(e)) {
          throw e;
        }
        // on a refused socket the attempt may fail as 'closed' ('not connected': the close came first); until the
        // close event, which waits for the end of the connection, the socket is only closing and no reason is known
        // (a listener added now runs after onclose, which sets dropReason)
        const closing = this.socket;
        if (!this.dropReason && closing?.readyState === WebSocket.CLOSING) {
          await new Promise(r => { closing.addEventListener('close', r, { once: true }); setTimeout(r, this.timeoutMs); });
        }
        const reason = this.dropReason === 'too-many-connections' ? this.dropReason : e?.reason ?? 'other';
        this.close(1000, 'retrying');
        if (REFUSALS.has(reason)) delay = Math.max(delay, REFUSED_DELAY_MS);
        const pause = Math.round(delay * (0.75 + 0.25 * Math.random()));
        const last = Date.now() + pause > deadline || stopped();
        onFailure({ error: e, reason, retryInMs: last ? null : pause });
        if (last) break;
        await new Promise(r => setTimeout(r, pause));
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
    return null;
  }

  /**
   * Sends a request and resolves to its `result`; rejects with an {@link AtriumError} for an
   * `error` answer, a timeout (reason 'timeout') or a closed socket (reason 'closed').
   * @param {string} method @param {object} [params] @param {number} [timeoutMs]
   */
  request(method, params = {}, timeoutMs = this.timeoutMs) {
    const ws = this.socket;
    if (!this.isOpen) {
      return Promise.reject(new AtriumError(`${method}: not connected`, 0, method, 'closed'));
    }
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new AtriumError(`${method}: no answer within ${timeoutMs} ms`, 0, method, 'timeout'));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer, method });
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends a notification (no answer). Returns false when no socket is open. */
  notify(method, params = {}) {
    if (!this.isOpen) {
      return false;
    }
    this.socket.send(JSON.stringify({ method, params }));
    return true;
  }

  /**
   * Closes the socket on purpose (no `drop`); pending requests are rejected (reason 'closed', `why`).
   * @param {number} [code] @param {string} [why]
   */
  close(code = 1000, why = 'closed') {
    const ws = this.socket;
    this.socket = null;
    this._rejectPending(why);
    ws?.close(code);
  }

  _onMessage(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      console.warn('atrium: a message that is not JSON', text);
      return;
    }
    if (msg.id !== undefined && msg.id !== null && (msg.result !== undefined || msg.error !== undefined)) {
      const pending = this._pending.get(msg.id);
      if (!pending) {
        return; // answered after its timeout
      }
      this._pending.delete(msg.id);
      clearTimeout(pending.timer);
      if (msg.error) {
        const err = new AtriumError(msg.error.message ?? 'error', msg.error.code ?? 0, pending.method);
        if (msg.error.data !== undefined) err.data = msg.error.data;
        pending.reject(err);
      } else {
        pending.resolve(msg.result);
      }
      return;
    }
    if (typeof msg.method === 'string') {
      this.dispatchEvent(new CustomEvent('notification', { detail: { method: msg.method, params: msg.params ?? {} } }));
    }
  }

  _rejectPending(why, reason = 'closed') {
    for (const [id, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(new AtriumError(`${p.method}: ${why}`, 0, p.method, reason));
      this._pending.delete(id);
    }
  }
}
