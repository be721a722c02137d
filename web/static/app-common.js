// Helpers shared by the app's pages (not part of the SDK). Plain ES module.

/** The API credentials this tab remembers (sessionStorage), or null. @returns {{key: string, secret: string}|null} */
export function apiCredentials() {
  const key = sessionStorage.getItem('atrium.key');
  const secret = sessionStorage.getItem('atrium.secret');
  return key && secret ? { key, secret } : null;
}

/**
 * Calls the REST API with this tab's API credentials; resolves to the parsed body (null for 204),
 * rejects with the server's error message.
 * @param {string} method @param {string} path @param {object} [body]
 */
export async function api(method, path, body) {
  const creds = apiCredentials();
  if (!creds) {
    throw new Error('no API credentials in this tab');
  }
  const res = await fetch(path, {
    method,
    headers: { 'Authorization': 'Basic ' + btoa(`${creds.key}:${creds.secret}`), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  }
  return data;
}

/**
 * The app's link to a room: `/r/<slug>` when it has one, else `/room.html?room=<uuid>`. Never a host
 * link: hosting is kept by the host's browser, not in links.
 * @param {{uuid: string, slug?: string|null}|string} room a room (as the API returns it) or a uuid
 */
export function roomLink(room) {
  if (typeof room === 'object' && room.slug) return `/r/${encodeURIComponent(room.slug)}`;
  return `/room.html?room=${encodeURIComponent(typeof room === 'object' ? room.uuid : room)}`;
}

/**
 * What the server tells its pages (GET /healthz): `dev` (runs with --dev) and `browserApiKey` (the
 * operator lets a tab keep an API key, http.browser_api_key) and `sip` (phone calls are on). Asked once per page.
 * @type {Promise<{dev: boolean, browserApiKey: boolean, sip: boolean}>|null}
 */
let serverInfo = null;
export function server() {
  serverInfo ??= fetch('/healthz').then(r => r.json())
    .then(h => ({ dev: h.dev === true, browserApiKey: h.browser_api_key === true, sip: h.sip === true }))
    .catch(() => ({ dev: false, browserApiKey: false, sip: false }));
  return serverInfo;
}

/**
 * Settles this tab's API key before a page uses apiCredentials(): where the operator does not allow one
 * in a browser, a key the tab kept is forgotten; in dev mode the tab uses the well-known devkey/secret
 * (printed at start) unless it has other credentials, so meetings start with one click.
 */
export async function settleCredentials() {
  const { dev, browserApiKey } = await server();
  if (!browserApiKey) {
    sessionStorage.removeItem('atrium.key');
    sessionStorage.removeItem('atrium.secret');
  } else if (!apiCredentials() && dev) {
    sessionStorage.setItem('atrium.key', 'devkey');
    sessionStorage.setItem('atrium.secret', 'secret');
  }
}
