/**
 * The Slack emulator's read-only viewer routes: `GET /viewer` (channels and modals),
 * `GET /viewer/channels/:id` and `GET /viewer/views/:id`, HTML pages rendered by `slack-viewer.ts`
 * from the emulator's store, served with a CSP that allows inline styles and same-origin images
 * and nothing else; `GET /viewer/files/:id` serves an uploaded image's bytes (PNG, JPEG, GIF only:
 * never an SVG, which could carry script).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import type { SlackFile } from './slack-files.js';
import type { SlackStore } from './slack-store.js';
import { renderChannel, renderIndex, renderNotFound, renderView, VIEWER_CSP, type ViewerDirectory } from './slack-viewer.js';

/** Sends a viewer page with its security headers. */
function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', VIEWER_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(html);
}

/**
 * Adds the viewer's routes to the emulator's app (before it listens). Unknown ids answer 404; a
 * channel is looked up among the known ones only (never remembered, unlike a Slack method's id).
 */
const SHOWN_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif']);

export function registerViewerRoutes(
  app: FastifyInstance,
  store: SlackStore,
  directory: () => ViewerDirectory,
  fileOf: (id: string) => SlackFile | undefined = () => undefined,
): void {
  app.get('/viewer', (_request, reply) => {
    const channels = store.allChannels().map((channel) => ({ channel, messages: store.messages.filter((m) => m.channel === channel.id).length }));
    return sendPage(reply, 200, renderIndex({ channels, views: store.views, directory: directory() }));
  });
  app.get<{ Params: { id: string } }>('/viewer/channels/:id', (request, reply) => {
    const channel = store.allChannels().find((c) => c.id === request.params.id);
    if (!channel) return sendPage(reply, 404, renderNotFound(`No channel ${request.params.id} in the emulator.`, directory()));
    const page = renderChannel({
      channel,
      members: store.members(channel.id),
      threads: store.threads(channel.id),
      ephemerals: store.ephemerals.filter((e) => e.channel === channel.id),
      directory: directory(),
    });
    return sendPage(reply, 200, page);
  });
  app.get<{ Params: { id: string } }>('/viewer/views/:id', (request, reply) => {
    const view = store.views.find((v) => v.id === request.params.id);
    if (!view) return sendPage(reply, 404, renderNotFound(`No modal ${request.params.id} was opened.`, directory()));
    return sendPage(reply, 200, renderView(view, directory()));
  });
  app.get<{ Params: { id: string } }>('/viewer/files/:id', (request, reply) => {
    const file = fileOf(request.params.id);
    if (!file?.completed || !file.bytes || !SHOWN_IMAGES.has(file.mimetype))
      return sendPage(reply, 404, renderNotFound(`No image ${request.params.id} was uploaded.`, directory()));
    return reply
      .code(200)
      .type(file.mimetype)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(file.bytes);
  });
}
