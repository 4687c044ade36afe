import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DATA_NOTICE } from '../../../src/core/insights/envelope';
import { INSIGHT_TOOLS } from '../../../src/core/insights/tools';

export interface Answer {
  perflens: string;
  notice: string;
  serviceData?: Record<string, unknown>;
  error?: string;
}

export const READ_ONLY = INSIGHT_TOOLS.filter((t) => t.readOnly).map((t) => t.name);
export const ACTIONS = INSIGHT_TOOLS.filter((t) => !t.readOnly).map((t) => t.name);

/** Invokes a PerfLens tool as any extension may (no chat request, no model) and reads its one text part. */
export async function invoke(name: string, input: object = {}): Promise<{ text: string; answer: Answer }> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  assert.equal(result.content.length, 1, `${name}: ${result.content.length} parts`);
  const part = result.content[0];
  assert.ok(part instanceof vscode.LanguageModelTextPart, `${name}: not a text part`);
  const [notice, json, ...rest] = part.value.split('\n');
  assert.equal(notice, DATA_NOTICE);
  assert.equal(rest.length, 0);
  return { text: part.value, answer: JSON.parse(json!) as Answer };
}

export function perflensTools(): string[] {
  return vscode.lm.tools
    .filter((t) => t.name.startsWith('perflens_'))
    .map((t) => t.name)
    .sort();
}
