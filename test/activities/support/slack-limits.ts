/**
 * Checks a Slack message against the Block Kit limits tierflow relies on, and for escapes cut in
 * half, as Slack would refuse or garble it. Used on messages as the emulator stored them.
 */

interface Text {
  type?: string;
  text?: string;
}

interface AnyBlock {
  type: string;
  text?: Text;
  fields?: Text[];
  elements?: Array<Text & { action_id?: string; value?: string }>;
}

/** Every text of a message: the fallback and each text object of its blocks. */
export function textsOf(message: { text: string; blocks?: unknown[] }): string[] {
  const out = [message.text];
  for (const block of (message.blocks ?? []) as AnyBlock[]) {
    if (block.text?.text !== undefined) out.push(block.text.text);
    for (const field of block.fields ?? []) out.push(field.text ?? '');
    for (const element of block.elements ?? []) out.push(element.type === 'button' ? ((element as { text?: Text }).text?.text ?? '') : (element.text ?? ''));
  }
  return out;
}

// An `&` that does not open one of Slack's three escapes (a cut one, or raw user text).
const BROKEN_ESCAPE = /&(?!amp;|lt;|gt;)/;
// A `<` that does not open a complete token of ours (a cut one, or raw user text).
const BROKEN_TOKEN = /<(?!(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!date\^\d+\^[^|<>]+\|[^<>]+|https?:\/\/[^|<>\s]+\|[^<>]*)>)/;

/** What is wrong with the message; `[]` when Slack would take it as it is. */
export function blockKitProblems(message: { text: string; blocks?: unknown[] }): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const blocks = (message.blocks ?? []) as AnyBlock[];
  check(message.text.length <= 40_000, `text is ${message.text.length} characters`);
  check(blocks.length <= 50, `${blocks.length} blocks`);
  blocks.forEach((block, i) => {
    if (block.type === 'section') {
      check((block.text?.text ?? '').length <= 3000, `section ${i} text is ${block.text?.text?.length}`);
      check((block.fields ?? []).length <= 10, `section ${i} has ${block.fields?.length} fields`);
      for (const field of block.fields ?? []) check((field.text?.length ?? 0) <= 2000, `a field of section ${i} is ${field.text?.length}`);
    }
    if (block.type === 'context') {
      check((block.elements ?? []).length <= 10, `context ${i} has ${block.elements?.length} elements`);
      for (const element of block.elements ?? []) check((element.text?.length ?? 0) <= 3000, `a context element of ${i} is ${element.text?.length}`);
    }
    if (block.type === 'actions') {
      check((block.elements ?? []).length <= 25, `actions ${i} has ${block.elements?.length} elements`);
      for (const button of (block.elements ?? []) as Array<{ text: Text; value?: string }>) {
        check((button.text.text?.length ?? 0) <= 75, `button text "${button.text.text}"`);
        check((button.value?.length ?? 0) <= 2000, 'button value too long');
      }
    }
  });
  for (const text of textsOf(message)) {
    check(!BROKEN_ESCAPE.test(text), `broken escape in ${JSON.stringify(text.slice(0, 80))}…`);
    check(!BROKEN_TOKEN.test(text), `broken or raw <…> in ${JSON.stringify(text.slice(0, 80))}…`);
    check(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(text), 'a surrogate pair cut in half');
  }
  return problems;
}
