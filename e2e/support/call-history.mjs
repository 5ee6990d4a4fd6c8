// The call history the service keeps of an e2e stack's calls (in-process stacks only).
import assert from 'node:assert/strict';

/** The call going on in `room`, once `done` holds for it (the widgets report after a link's first seconds). */
export async function sessionWhen(stack, room, done, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  const stored = await stack.app.roomStore.findByName(stack.projectId, room);
  assert.ok(stored, `room ${room} exists`);
  for (;;) {
    const [session] = (await stack.app.callHistory.listSessions(stack.projectId, stored.id, { limit: 1 })).sessions;
    if (session && done(session)) return session;
    assert.ok(Date.now() < deadline, `the call in ${room} never got there: ${JSON.stringify(session)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
