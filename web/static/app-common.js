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

/** The app's link to a room. @param {string} room */
export function roomLink(room) {
  return `/room.html?room=${encodeURIComponent(room)}`;
}
