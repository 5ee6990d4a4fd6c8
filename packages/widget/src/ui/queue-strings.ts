/**
 * The English words of the random, support and agent screens. They live here, in the lazy chunk of those
 * screens, rather than in strings.ts, so that the script-tag bundle of a page in room mode does not carry them.
 */
import type { QueueStrings, Strings } from './strings.js';

export const queueEn: QueueStrings = {
  lookingForSomeone: 'Looking for someone…',
  chatEnded: 'The chat ended.',
  cancel: 'Cancel',
  next: 'Next',
  report: 'Report',
  reportReason: 'Why are you reporting this person?',
  reasonAbuse: 'Abuse or harassment',
  reasonNudity: 'Nudity',
  reasonSpam: 'Spam',
  reasonUnderage: 'Under age',
  reasonOther: 'Something else',
  sendReport: 'Send report',
  helpMessage: 'What do you need help with? (optional)',
  joiningQueue: 'Joining the queue…',
  queuePosition: (n) => (n === 1 ? 'You are next in line' : `You are number ${n} in line`),
  estimatedWait: (m) => (m < 1 ? 'Estimated wait: under a minute' : `Estimated wait: about ${m} min`),
  waitUnknown: 'Waiting for the next agent…',
  agentJoining: 'An agent is joining…',
  noAgentOnline: 'No agent is online',
  leaveMessage: 'Leave a message and we will get back to you.',
  yourMessage: 'Your message',
  contact: 'Email or phone',
  sendMessage: 'Send message',
  ticketSent: 'Thank you! Your message was sent; we will get back to you.',
  declined: 'Support could not take your call.',
  supportQueue: 'Support queue',
  available: 'Available',
  agentsOnline: (n) => `${n} agent${n === 1 ? '' : 's'} online`,
  noOneWaiting: 'No one is waiting',
  waitedFor: (d) => `waiting ${d}`,
  takeNext: 'Take next',
  take: 'Take',
  decline: 'Decline',
  declineReason: 'Reason for declining',
  customerWaiting: (name) => `${name} is waiting for support`,
  agentAvailable: 'An agent is available',
  noAgentLeaveMessage: 'No agent is online right now — leave a message',
  titleWaiting: (n) => `(${n}) waiting`,
  notifyCustomerWaiting: (name) => `${name} is waiting for support`,
  customerWrote: 'Customer’s message',
};

/**
 * `strings` (a resolved table, overrides applied) completed with these words. The French, German and Spanish
 * tables already hold them, and so do overrides: those win over the English here.
 */
export const withQueueStrings = (strings: Strings): Strings & QueueStrings => ({ ...queueEn, ...strings });
