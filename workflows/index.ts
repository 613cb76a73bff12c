/** Every workflow the worker runs; the bundler starts here. */
export { automationCandidatesWorkflow } from './automation-candidates.js';
export { helpRequestWorkflow } from './help-request.js';
export { reconcileTrackerWorkflow } from './reconcile-tracker.js';
export { slackNoticeWorkflow } from './slack-notice.js';
export { slaDigestWorkflow } from './sla-digest.js';
