export { VcAvailabilityEvent, type VcAvailabilityDetail } from './vc-availability-event.js';
export { VcChatMessageEvent, type VcChatMessageDetail } from './vc-chat-message-event.js';
export {
  VcConnectionStateChangeEvent,
  type VcConnectionStateChangeDetail,
} from './vc-connection-state-change-event.js';
export { VcCustomerWaitingEvent, type VcCustomerWaitingDetail } from './vc-customer-waiting-event.js';
export { VcErrorEvent, type VcErrorDetail } from './vc-error-event.js';
export { VcJoinEvent, type VcJoinDetail } from './vc-join-event.js';
export { VcLeaveEvent, type VcLeaveDetail } from './vc-leave-event.js';
export { VcParticipantJoinEvent, type VcParticipantJoinDetail } from './vc-participant-join-event.js';
export { VcParticipantLeaveEvent, type VcParticipantLeaveDetail } from './vc-participant-leave-event.js';
export { VcQualityChangeEvent, type VcQualityChangeDetail } from './vc-quality-change-event.js';
export { VcQueueUpdateEvent, type VcQueueUpdateDetail, type VcAgentQueueDetail } from './vc-queue-update-event.js';
export { VcRecordingReadyEvent, type VcRecordingReadyDetail } from './vc-recording-ready-event.js';
export { VcKnockEvent, type VcKnockDetail } from './vc-knock-event.js';
export { VcKnockWaitingEvent, type VcKnockWaitingDetail } from './vc-knock-waiting-event.js';
