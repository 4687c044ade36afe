import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ACTIONS, invoke, perflensTools, READ_ONLY } from './aiSupport';
import { perflens } from './liveSupport';

describe('AI tools in an untrusted workspace', () => {
  it('only the read-only tools are registered (the actions, hidden from models, have no implementation), and they answer', async () => {
    const api = await perflens();
    assert.equal(vscode.workspace.isTrusted, false);
    assert.deepEqual(api.aiTools.registered().sort(), [...READ_ONLY].sort());
    // vscode.lm.tools lists every contributed tool, enabled or not (the workbench hands the extension
    // host its full list); models get the list filtered by each tool's when clause (isWorkspaceTrusted).
    assert.deepEqual(perflensTools(), [...READ_ONLY, ...ACTIONS].sort());
    for (const name of ACTIONS)
      await assert.rejects(
        Promise.resolve(vscode.lm.invokeTool(name, { input: { sql: 'SELECT 1' }, toolInvocationToken: undefined })),
        /does not have an implementation registered/,
      );
    const { answer } = await invoke('perflens_slow_queries');
    assert.match(answer.error!, /untrusted workspace/);
  });
});
