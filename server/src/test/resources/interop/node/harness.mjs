// What the node harness scripts share: one JSON object per line on stdout (the events ExternalPeer waits on),
// the time since the client started, and the WHIP/WHEP offer/answer exchange.
let start = Date.now();

/** Prints one event line: {"event": EVENT, ...fields}. */
export const say = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));

/** Milliseconds since the script started, or since restartClock(). */
export const elapsed = () => Date.now() - start;

/** Counts from now, e.g. once a browser is up, so that times are the client's own. */
export const restartClock = () => {
  start = Date.now();
};

/**
 * POSTs an SDP offer to a WHIP or WHEP URL and returns the answer; reports it as an "answer" event (status,
 * Location, ETag and the offer's codecs). Any status but 201 is an "error" event and exit code 1.
 */
export async function exchange(url, token, offer) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
    body: offer,
  });
  const answer = await response.text();
  say('answer', { status: response.status, location: response.headers.get('location'), etag: response.headers.get('etag'),
    offer_codecs: [...offer.matchAll(/a=rtpmap:\d+ (\S+)/g)].map((m) => m[1]).sort() });
  if (response.status !== 201) {
    say('error', { message: answer });
    process.exit(1);
  }
  return answer;
}
