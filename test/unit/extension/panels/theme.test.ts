import * as assert from 'node:assert/strict';
import { withAlpha } from '../../../../webview/shared/color';

describe('withAlpha', () => {
  it('scales the colour opacity in every notation VS Code theme variables use', () => {
    assert.equal(withAlpha('#3794ff', 0.2), 'rgba(55, 148, 255, 0.2)');
    assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
    assert.equal(withAlpha('#bfbfbf80', 0.5), 'rgba(191, 191, 191, 0.251)');
    assert.equal(withAlpha('rgba(255, 255, 255, 0.1)', 0.5), 'rgba(255, 255, 255, 0.05)');
    assert.equal(withAlpha('rgb(1,2,3)', 0.4), 'rgba(1, 2, 3, 0.4)');
    assert.equal(withAlpha('currentColor', 0.4), 'currentColor');
  });
});
