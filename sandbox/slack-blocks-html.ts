/**
 * Block Kit as HTML for the sandbox's Slack viewer: the blocks of messages (section with text,
 * fields and an accessory, context, actions, divider, header, image) and of modals (input blocks
 * with their select and text elements). Blocks arrive as whatever the poster sent, so every field
 * is read defensively and every text goes through {@link mrkdwnToHtml} or {@link plainToHtml}
 * (escaped first); a block this viewer does not draw is named, not dropped.
 */
import { escapeHtml, mrkdwnToHtml, plainToHtml, type MrkdwnDirectory } from './slack-mrkdwn.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A text object (`plain_text` or `mrkdwn`) as HTML; empty when it is not one. */
export function textObjectHtml(v: unknown, dir: MrkdwnDirectory): string {
  const t = obj(v);
  const text = str(t?.text);
  if (!t || text === undefined) return '';
  return t.type === 'mrkdwn' ? mrkdwnToHtml(text, dir) : plainToHtml(text, t.emoji !== false);
}

/** A button as a Slack-styled label (there is nothing to click in a read-only view). */
function buttonHtml(el: Json, dir: MrkdwnDirectory): string {
  const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
  const url = str(el.url);
  const title = url ? ` title="${escapeHtml(url)}"` : '';
  return `<span class="btn${style}"${title}>${textObjectHtml(el.text, dir)}</span>`;
}

/** An option's text, as HTML. */
const optionHtml = (option: unknown, dir: MrkdwnDirectory): string => textObjectHtml(obj(option)?.text, dir);

/** A select: the closed box (the initial choice, else the placeholder) and the options it offers. */
function selectHtml(el: Json, dir: MrkdwnDirectory): string {
  const initial = obj(el.initial_option);
  const chosen = initial ? optionHtml(initial, dir) : '';
  const shown = chosen ? `<span>${chosen}</span>` : `<span class="placeholder">${textObjectHtml(el.placeholder, dir) || 'Select an item'}</span>`;
  const groups = list(el.option_groups).flatMap((g) => list(obj(g)?.options));
  const options = [...list(el.options), ...groups];
  const initialValue = str(initial?.value);
  const items = options.map((o) => {
    const selected = initialValue !== undefined && str(obj(o)?.value) === initialValue;
    return `<li${selected ? ' class="selected"' : ''}>${selected ? '✓ ' : ''}${optionHtml(o, dir)}</li>`;
  });
  const offered = items.length > 0 ? `<ul class="options" aria-label="options">${items.join('')}</ul>` : '';
  return `<div class="select"><div class="box">${shown}<span class="caret">▾</span></div>${offered}</div>`;
}

/** A text input: one line or a text area, showing its initial value or placeholder. */
function textInputHtml(el: Json, dir: MrkdwnDirectory): string {
  const initial = str(el.initial_value);
  const inner = initial ? plainToHtml(initial, false) : `<span class="placeholder">${textObjectHtml(el.placeholder, dir)}</span>`;
  const max = typeof el.max_length === 'number' ? `<span class="limit">max ${el.max_length}</span>` : '';
  return `<div class="box textinput${el.multiline === true ? ' multiline' : ''}">${inner}${max}</div>`;
}

/** An interactive element of an actions or input block, or a section's accessory. */
function elementHtml(v: unknown, dir: MrkdwnDirectory): string {
  const el = obj(v);
  if (!el) return '';
  switch (el.type) {
    case 'button':
      return buttonHtml(el, dir);
    case 'static_select':
    case 'multi_static_select':
    case 'external_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return selectHtml(el, dir);
    case 'plain_text_input':
      return textInputHtml(el, dir);
    case 'image':
      return `<span class="image">[image: ${escapeHtml(str(el.alt_text) ?? '')}]</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${textObjectHtml(el, dir)}</span>`;
    default:
      return `<span class="unknown">[${escapeHtml(String(el.type ?? 'element'))}]</span>`;
  }
}

/** One block as HTML. */
export function blockHtml(v: unknown, dir: MrkdwnDirectory): string {
  const block = obj(v);
  if (!block) return '';
  switch (block.type) {
    case 'section': {
      const text = block.text ? `<div class="text">${textObjectHtml(block.text, dir)}</div>` : '';
      const fields = list(block.fields).map((f) => `<div>${textObjectHtml(f, dir)}</div>`);
      const accessory = block.accessory ? `<div class="accessory">${elementHtml(block.accessory, dir)}</div>` : '';
      return `<div class="block section"><div>${text}${fields.length > 0 ? `<div class="fields">${fields.join('')}</div>` : ''}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="block context">${list(block.elements)
        .map((e) => elementHtml(e, dir))
        .join(' ')}</div>`;
    case 'actions':
      return `<div class="block actions">${list(block.elements)
        .map((e) => elementHtml(e, dir))
        .join('')}</div>`;
    case 'divider':
      return '<hr class="block divider">';
    case 'header':
      return `<div class="block header">${textObjectHtml(block.text, dir)}</div>`;
    case 'image':
      return `<div class="block"><span class="image">[image: ${escapeHtml(str(block.alt_text) ?? '')}]</span></div>`;
    case 'input': {
      const optional = block.optional === true ? ' <span class="optional">(optional)</span>' : '';
      const hint = block.hint ? `<div class="hint">${textObjectHtml(block.hint, dir)}</div>` : '';
      return `<div class="block input"><label>${textObjectHtml(block.label, dir)}${optional}</label>${elementHtml(block.element, dir)}${hint}</div>`;
    }
    default:
      return `<div class="block unknown">[${escapeHtml(String(block.type ?? 'block'))} block]</div>`;
  }
}

/** Blocks as HTML, in order. */
export function blocksHtml(blocks: readonly unknown[], dir: MrkdwnDirectory): string {
  return blocks.map((b) => blockHtml(b, dir)).join('');
}
