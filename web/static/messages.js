// Error texts a person understands, for every page: the contracts' literal error strings and codes
// as sentences, sizes as "100 MB", the browser's DOMException names as what happened. Plain ES module.

/** A size for people: 104857600 → "100 MB" (powers of 1024, at most one decimal). @param {number} bytes */
export function formatBytes(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = Number(bytes), i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} ${n === 1 ? 'byte' : 'bytes'}` : `${Number(n.toFixed(n < 10 ? 1 : 0))} ${units[i]}`;
}

/** Sentences for the contracts' literal error strings (000 `message`, 001 bare strings) and codes (003). */
const SENTENCES = [
  // contract 000 (/live/)
  [/^passcode incorrect/, 'That passcode is not right. Check it with the event\'s organiser.'],
  [/^passcode expired/, 'This passcode has expired. Ask the organiser for a new one.'],
  [/^error creating room/, 'An event with this name is already running: join it, or choose another name.'],
  [/^error finding room/, 'There is no event with this name right now. Check the name, or wait until the host starts it.'],
  [/^error deleting stream/, 'This event has already ended.'],
  [/^error removing speaker/, 'That speaker could not be moved off the stage: they may have left already.'],
  [/^error updating user document/, 'That person is no longer in the event.'],
  [/^missing (\w+)/, (_, f) => `Fill in the ${f.replace(/_/g, ' ')}.`],
  [/^invalid (\w+)/, (_, f) => `The ${f.replace(/_/g, ' ')} is not valid.`],
  // contract 001 (/meetings/)
  [/^Error: couldn't find your meeting room/, 'This meeting has not been opened yet. Ask the host to create it, or check the meeting id.'],
  [/^Error: you have not been authorized/, 'That admin passcode is not right.'],
  [/^Error: couldn't authorize your to connect/, 'You could not be let into the meeting right now. Try again in a moment.'],
  [/^Error: couldn't create the new meeting/, 'The meeting could not be created. Try again.'],
  [/^Error: Missing (\w+)/, (_, f) => `Fill in the ${f.replace(/_/g, ' ')}.`],
  [/^Error: too many requests/i, 'Too many attempts from this address. Wait a minute and try again.'],
  // contract 003 (call API and control center), by code
  [/^SESSION_NOT_FOUND$/, 'This session does not exist or has ended.'],
  [/^PARTICIPANT_NOT_FOUND$/, 'That participant has left or never joined.'],
  [/^UNAUTHORIZED$/, 'Your link has expired or is not valid for this session. Ask for a new one.'],
  [/^INVALID_FILE_TYPE$/, 'This file cannot be shared: choose an MP4 or WebM video.'],
  [/^INTERNAL_ERROR$|^REALTIMEKIT_ERROR$/, 'Something went wrong on the server. Try again.'],
];

/**
 * A sentence for an error a server answered: `text` is the contract's string (or message), `code` its
 * code when it has one. Unknown texts pass through with their byte counts made readable.
 * @param {string} text @param {string} [code]
 */
export function explain(text, code) {
  const t = String(text ?? '');
  if (code === 'FILE_TOO_LARGE' || code === 'QUOTA_EXCEEDED') {
    const limit = t.match(/(\d+) bytes/);
    const size = limit ? formatBytes(Number(limit[1])) : null;
    return code === 'FILE_TOO_LARGE'
      ? `The file is too large${size ? `: the limit is ${size}` : ''}.`
      : `There is no room left for this file${size ? ` (the storage limit is ${size})` : ''}: delete shared files first.`;
  }
  for (const [pattern, sentence] of SENTENCES) {
    const m = (code && pattern.test(code)) ? code.match(pattern) : t.match(pattern);
    if (m) return typeof sentence === 'function' ? sentence(...m) : sentence;
  }
  return t.replace(/(\d{4,}) bytes/g, (_, n) => formatBytes(Number(n)));
}

/**
 * What happened when the browser refused a camera, microphone or screen (a DOMException), never its
 * raw name. @param {'microphone'|'camera'|'screen'} what @param {unknown} e
 */
export function deviceProblem(what, e) {
  const name = /** @type {{name?: string}} */ (e)?.name;
  const What = what[0].toUpperCase() + what.slice(1);
  if (what === 'screen' && name === 'NotAllowedError') return 'Screen sharing was cancelled or is blocked.';
  if (name === 'NotAllowedError' || name === 'SecurityError') return `${What} access is blocked.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${what} was found.`;
  if (name === 'NotReadableError' || name === 'AbortError') return `The ${what} is in use by another program, or could not be started.`;
  return `The ${what} could not be started.`;
}

/** Why a call ended, for the person: by the SDK's `ended` reason (docs/WEB.md), and who ended the meeting. */
const ENDED = {
  left: 'You left the meeting.',
  removed: 'An admin removed you from the meeting.',
  rejected: 'The host did not let you in.',
  'room-ended': 'The meeting has ended.',
  'connection-lost': 'The connection to the server was lost and could not be restored.',
  timeout: 'The call ended because your browser stopped sending audio and video. Join again to continue.',
  'connection-setup': 'A media connection to the server could not be set up. A firewall may block it, or the network is too slow right now. Join again to retry.',
  'too-many-connections': 'The server refused the connection: too many connections from this network. Close Atrium tabs you do not need, or wait a minute, then join again.',
  'rate-limited': 'The server refused the connection: too many requests from this network. Wait a minute, then join again.',
};

/** While the SDK retries after Atrium refused it (its `retrying` reason), what the person is told; null for other failures. */
const RETRYING = {
  'too-many-connections': 'Too many connections from this network — retrying…',
  'rate-limited': 'The server is limiting requests from this network — retrying…',
};

/**
 * The sentence for Atrium's `429` (the SDK's 'rate-limited' error) to a request the person made, e.g. joining:
 * too many wrong passwords from this network or for the room, the server's password checks busy, a full waiting
 * room; with the wait when Atrium said one ("retry in N s"). @param {string} message Atrium's
 */
export function rateLimitedText(message) {
  const m = String(message ?? '');
  if (/waiting room is full/.test(m)) return 'The waiting room is full. Try again later.';
  const wait = /retry in (\d+) s/.exec(m)?.[1];
  const why = /failed passwords/.test(m) ? 'Too many wrong passwords were tried.' : 'The server is limiting requests from this network.';
  return `${why} Wait ${wait ? `${wait} seconds` : 'a minute'}, then try again.`;
}

/** The sentence for a failed reconnect attempt by its reason (the SDK's `retrying`), or null. @param {string} reason */
export function retryingText(reason) {
  return RETRYING[reason] ?? null;
}

/**
 * The sentence for the end of a call, worded by its cause; null for a reason without one (the SDK's
 * own message is then shown). @param {string} reason @param {'host'|'you'|null} [endedBy]
 */
export function endedText(reason, endedBy) {
  if (reason === 'room-ended' && endedBy === 'host') return 'The host ended the meeting for everyone.';
  if (reason === 'room-ended' && endedBy === 'you') return 'You ended the meeting for everyone.';
  return ENDED[reason] ?? null;
}

/** Why a call's invite was not answered (`room_invite_reject`), as a sentence. @param {string} destination @param {string} reason */
export function inviteEndText(destination, reason) {
  const why = {
    declined: 'declined the call', busy: 'is busy', 'no answer': 'did not answer', unavailable: 'cannot be reached right now',
    'room ended': 'was not reached before the call ended', 'not registered': 'has no phone or app signed in',
    'unknown extension': 'is not a known extension or number',
  }[reason] ?? `could not be called (${reason})`;
  return `${destination} ${why}.`;
}
