/**
 * The insight tools are described once (src/core/insights/tools.ts): package.json's
 * languageModelTools and the MCP server's schemas must say the same.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { zodShape } from '../../../../src/cli/mcp/server';
import { INSIGHT_TOOLS } from '../../../../src/core/insights/tools';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: {
    languageModelTools: Record<string, unknown>[];
    mcpServerDefinitionProviders: { id: string; label: string }[];
  };
};

describe('the insight tools in package.json and in MCP', () => {
  it('package.json contributes each tool as the catalogue describes it; actions only in trusted workspaces', () => {
    const contributed = manifest.contributes.languageModelTools;
    assert.deepEqual(
      contributed.map((t) => t.name),
      INSIGHT_TOOLS.map((t) => t.name),
    );
    for (const t of INSIGHT_TOOLS) {
      const c = contributed.find((x) => x.name === t.name)!;
      assert.equal(c.modelDescription, t.description, t.name);
      assert.equal(c.displayName, t.displayName);
      assert.equal(c.toolReferenceName, t.referenceName);
      assert.equal(c.canBeReferencedInPrompt, true);
      assert.deepEqual(c.tags, t.tags);
      assert.deepEqual(c.inputSchema, t.inputSchema, t.name);
      assert.equal(c.when, t.readOnly ? undefined : 'isWorkspaceTrusted', t.name);
      assert.ok(typeof c.userDescription === 'string' && c.userDescription.length > 10);
    }
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders, [{ id: 'perflens.mcp', label: 'PerfLens' }]);
  });

  it("the MCP tools' zod schemas are the catalogue's JSON Schemas", () => {
    for (const t of INSIGHT_TOOLS) {
      const { $schema: _s, ...json } = z.toJSONSchema(z.object(zodShape(t.inputSchema)).strict()) as Record<
        string,
        unknown
      >;
      const expected = {
        ...t.inputSchema,
        properties: Object.fromEntries(
          Object.entries(t.inputSchema.properties).map(([k, p]) => {
            const { maxLength, ...rest } = p as { maxLength?: number; enum?: string[] };
            // An enum bounds its own length.
            return [k, rest.enum ? rest : p.type === 'string' ? { ...rest, maxLength } : rest];
          }),
        ),
      };
      if (!t.inputSchema.required) delete (expected as { required?: string[] }).required;
      assert.deepEqual(json, JSON.parse(JSON.stringify(expected)), t.name);
    }
  });
});
