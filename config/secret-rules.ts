/**
 * Minimum strength of the secrets tierflow is given. A weak secret is named with the rule it breaks
 * and how to make a good one; its value never appears in a message.
 */

/** The variables holding secrets or credentials. */
export type SecretName =
  'INTAKE_SECRET' | 'API_TOKEN' | 'GITLAB_WEBHOOK_SECRET' | 'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'GITLAB_TOKEN';

interface SecretRule {
  test(value: string): boolean;
  /** What is wrong with a value that fails, what it must be, and how to get one (follows the name). */
  rule: string;
}

/** Secrets tierflow and its sender share, which an operator generates (not issued by Slack or GitLab). */
export const GENERATED_SECRETS: readonly SecretName[] = ['API_TOKEN', 'INTAKE_SECRET', 'GITLAB_WEBHOOK_SECRET'];
/** How to make one. */
export const GENERATE_HINT = 'generate one with `openssl rand -hex 32`';

/** Shared secrets we verify ourselves: long and not a word or a repeated character. */
export const MIN_SECRET_LENGTH = 32;
export const MIN_DISTINCT_CHARACTERS = 10;
const LONG_AND_VARIED = `is too weak: needs at least ${MIN_SECRET_LENGTH} characters with at least ${MIN_DISTINCT_CHARACTERS} distinct ones`;
const isLongAndVaried = (v: string) => [...v].length >= MIN_SECRET_LENGTH && new Set(v).size >= MIN_DISTINCT_CHARACTERS;
const RANDOM: SecretRule = { test: isLongAndVaried, rule: `${LONG_AND_VARIED}; ${GENERATE_HINT}` };

/** The rule of each secret variable, in the order problems are reported. */
export const SECRET_RULES: Readonly<Record<SecretName, SecretRule>> = {
  API_TOKEN: RANDOM,
  INTAKE_SECRET: RANDOM,
  SLACK_SIGNING_SECRET: { test: isLongAndVaried, rule: `${LONG_AND_VARIED} (copy Slack's signing secret from the app's Basic Information page)` },
  GITLAB_WEBHOOK_SECRET: RANDOM,
  SLACK_BOT_TOKEN: { test: (v) => v.startsWith('xoxb-'), rule: "is not a Slack bot token: it must start with xoxb- (the app's Bot User OAuth Token)" },
  SLACK_APP_TOKEN: { test: (v) => v.startsWith('xapp-'), rule: 'is not a Slack app-level token: it must start with xapp- (Socket Mode)' },
  GITLAB_TOKEN: { test: (v) => v.length >= 20, rule: 'is too short: a GitLab access token (glpat-…) has at least 20 characters' },
};

/**
 * One line per given secret that breaks its rule, naming the variable and the rule, never the value.
 * @example problemsOfSecrets({ API_TOKEN: 'abc' }) // ['API_TOKEN is too weak: needs at least 32 characters …']
 */
export function problemsOfSecrets(given: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  for (const [name, { test, rule }] of Object.entries(SECRET_RULES)) {
    const value = given[name];
    if (value !== undefined && !test(value)) problems.push(`${name} ${rule}`);
  }
  return problems;
}
