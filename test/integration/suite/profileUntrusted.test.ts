import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { perflens } from './liveSupport';

describe('Profiling and database reading in an untrusted workspace', () => {
  it('refuses Profile Service, Benchmark Endpoint and Analyze Queries', async () => {
    const api = await perflens();
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(
      await vscode.commands.executeCommand(COMMANDS.profileService, {
        target: `pid:${process.pid}`,
        durationSeconds: 1,
      }),
      undefined,
    );
    assert.equal(
      await vscode.commands.executeCommand(COMMANDS.benchmarkEndpoint, {
        url: 'http://127.0.0.1:9/',
        durationSeconds: 1,
      }),
      undefined,
    );
    assert.equal(
      await vscode.commands.executeCommand(COMMANDS.analyzeQueries, { roots: ['/'], database: '/nonexistent.db' }),
      undefined,
    );
    assert.equal(api.code.profileLabel(), undefined);
  });
});
