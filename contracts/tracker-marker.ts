/**
 * The hidden markers tierflow writes into its GitLab texts: one home for writing and reading them.
 * An issue description ends with `<!-- tierflow-request: <request id> -->`, a note with
 * `<!-- tierflow-effect: <effect id> -->`, so a retried activity can find what an earlier attempt
 * wrote (confirmed by author: anyone can copy a marker). A marker never selects a request for a
 * hook: hooks go by the issue tierflow recorded (see `search-attributes.ts`, `TrackerIssue`).
 */

// Markers live in HTML comments, so they must not contain the comment's end.
const commentSafe = (id: string): string => id.replace(/--+>?/g, '-').replace(/[<>]/g, '');

/** The words that tie a tracker issue to its request (also the search term before creating). */
export function requestMarker(requestId: string): string {
  return `tierflow-request: ${commentSafe(requestId)}`;
}

/** The hidden comment an issue description carries for its request. */
export function requestMarkerComment(requestId: string): string {
  return `<!-- ${requestMarker(requestId)} -->`;
}

/**
 * True when an issue description carries this request's marker. Matches the whole hidden comment,
 * so `req-1` does not match the issue of `req-12` (GitLab's search matches word prefixes).
 */
export function hasRequestMarker(description: string | null | undefined, requestId: string): boolean {
  return description?.includes(requestMarkerComment(requestId)) ?? false;
}

const REQUEST_MARKER = /<!-- tierflow-request: (req-[A-Za-z0-9._-]{1,120}) -->/g;

/**
 * The request the last marker of a description names, or null. A hint only (anyone can write
 * it): callers confirm it against what tierflow recorded.
 * @example markedRequestId('text\n<!-- tierflow-request: req-json-1 -->') // 'req-json-1'
 */
export function markedRequestId(description: string | null | undefined): string | null {
  const id = [...(description ?? '').matchAll(REQUEST_MARKER)].at(-1)?.[1];
  return id && hasRequestMarker(description, id) ? id : null;
}

/** The hidden marker a note ends with, naming the effect that wrote it. */
export function effectMarker(effectId: string): string {
  return `<!-- tierflow-effect: ${commentSafe(effectId)} -->`;
}

/**
 * True when a note body was written for this effect. Only the end of the body counts: user text
 * quoted inside a note cannot carry a marker (`inertGitlab` escapes every `<`).
 */
export function hasEffectMarker(body: string, effectId: string): boolean {
  return body.trimEnd().endsWith(effectMarker(effectId));
}

const EFFECT_MARKER_AT_END = /<!-- tierflow-effect: ([^<>\s]+) -->\s*$/;

/** The effect a note's closing marker names, or null (a person's note has none). */
export function markedEffectId(body: string): string | null {
  return EFFECT_MARKER_AT_END.exec(body)?.[1] ?? null;
}

/**
 * The words that tie a post-incident review issue to its request (the search term before
 * creating). Not the request marker: a review issue is never taken for the request's tracker
 * issue, by a retried `createTrackerIssue` or by anyone else.
 */
export function reviewMarker(requestId: string): string {
  return `tierflow-review: ${commentSafe(requestId)}`;
}

/** The hidden comment a review issue's description ends with. */
export function reviewMarkerComment(requestId: string): string {
  return `<!-- ${reviewMarker(requestId)} -->`;
}

/** True when a description carries this request's review marker (the whole comment: `req-1` does not match `req-12`). */
export function hasReviewMarker(description: string | null | undefined, requestId: string): boolean {
  return description?.includes(reviewMarkerComment(requestId)) ?? false;
}

const REVIEW_MARKER = /<!-- tierflow-review: ([^\s<>]{1,200}) -->/;

/**
 * The request a review marker names, or null. A hint only (anyone can write it): it keeps intake
 * from taking tierflow's review issue for a new request, and never selects a request.
 * @example markedReviewId('…\n<!-- tierflow-review: req-json-1 -->') // 'req-json-1'
 */
export function markedReviewId(description: string | null | undefined): string | null {
  return REVIEW_MARKER.exec(description ?? '')?.[1] ?? null;
}
