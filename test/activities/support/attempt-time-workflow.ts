/** A workflow for `attempt-time.test.ts`: runs one activity that reports how long its attempt has left. */
import { proxyActivities } from '@temporalio/workflow';

const { timeLeft } = proxyActivities<{ timeLeft(): Promise<number | null> }>({ startToCloseTimeout: '20 seconds' });

export async function reportAttemptTimeLeft(): Promise<number | null> {
  return timeLeft();
}
