/**
 * Makes user text inert in GitLab: no quick action (`/close`, `/assign @x` at a line start) can run
 * and no `@mention` pings anyone. Mentions of owners come only from our own code.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * @example inertGitlab('/close\nping @alice') // '\u200b/close\nping @\u200balice'
 */
export function inertGitlab(text: string): string {
  return text
    .replace(/^(\s*)\//gm, `$1${ZERO_WIDTH_SPACE}/`)
    .replace(/@(?=[\w.-])/g, `@${ZERO_WIDTH_SPACE}`);
}
