// The shared form-field reader: one trimmed string, or '' for anything a form parser can make of
// a field that is not one plain value.
import assert from 'node:assert/strict';
import { formField } from '../../../broker/web/form-field.js';

describe('formField', () => {
  it('reads a field trimmed', () => {
    assert.equal(formField({ email: '  ana@example.es \n' }, 'email'), 'ana@example.es');
  });

  it('answers "" for a missing field, a repeated one (array), a nested one (object), and a body that is no object', () => {
    assert.equal(formField({}, 'email'), '');
    assert.equal(formField({ email: ['a@example.es', 'b@example.es'] }, 'email'), '');
    assert.equal(formField({ email: { $ne: '' } }, 'email'), '');
    assert.equal(formField(undefined, 'email'), '');
    assert.equal(formField('email=a', 'email'), '');
  });

  it('does not read inherited properties as fields', () => {
    assert.equal(formField({}, 'toString'), '');
  });
});
