// The registrar API as broker/app.ts mounts it: off without a token, bearer token otherwise.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createRegistrarApp, type RegistrarApp } from '../../helpers/identity-registrar-app.js';

const TOKEN = 'test-registrar-token-0123456789';
const carmen = {
  documentNumber: '12345678Z',
  documentDate: '2030-01-01',
  givenName: 'Carmen',
  firstSurname: 'Español',
  dateOfBirth: '1980-01-01',
  mobile: '+34600000001',
  registrationLevel: 'advanced',
};

describe('registrar API', () => {
  describe('without a configured token', () => {
    let t: RegistrarApp;
    before(async () => (t = await createRegistrarApp(undefined)));
    after(() => t.close());
    it('is off: 404 even with a token', async () => {
      await request(t.app).post('/api/registrar/persons').set('Authorization', `Bearer ${TOKEN}`).send(carmen).expect(404);
      await request(t.app).get('/api/registrar/persons/12345678Z').expect(404);
    });
  });

  describe('with a token', () => {
    let t: RegistrarApp;
    before(async () => (t = await createRegistrarApp(TOKEN)));
    after(() => t.close());
    beforeEach(() => t.database.db.deleteFrom('persons').execute());
    const post = (body: unknown, token = TOKEN) => request(t.app).post('/api/registrar/persons').set('Authorization', `Bearer ${token}`).send(body as object);

    it('refuses a missing or wrong token with 401', async () => {
      const r = await request(t.app).post('/api/registrar/persons').send(carmen).expect(401);
      assert.match(r.get('WWW-Authenticate') ?? '', /^Bearer/);
      await post(carmen, 'wrong').expect(401);
      await post(carmen, `${TOKEN}x`).expect(401);
      await request(t.app).get('/api/registrar/persons/12345678Z').set('Authorization', `Basic ${TOKEN}`).expect(401);
    });

    it('adds a person: 201 with the person minus the internal id', async () => {
      const r = await post({ ...carmen, documentNumber: '12345678-z' }).expect(201);
      assert.equal(r.body.documentNumber, '12345678Z');
      assert.equal(r.body.id, undefined);
      assert.equal(r.body.registrationLevel, 'advanced');
      assert.equal(typeof r.body.createdAt, 'string');
      const g = await request(t.app).get('/api/registrar/persons/12345678z').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      assert.equal(g.body.givenName, 'Carmen');
      assert.equal(g.body.id, undefined);
    });

    it('answers 404 for an unknown document', async () => {
      await request(t.app).get('/api/registrar/persons/00000000T').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    });

    it('answers 400 {error, message} for invalid input', async () => {
      let r = await post({ ...carmen, documentNumber: '12345678A' }).expect(400);
      assert.equal(r.body.error, 'invalid-document');
      r = await post({ ...carmen, registrationLevel: 'gold' }).expect(400);
      assert.equal(r.body.error, 'invalid');
      assert.match(r.body.message, /registrationLevel/);
      r = await post({ ...carmen, unexpected: 1 }).expect(400);
      assert.equal(r.body.error, 'invalid');
      r = await request(t.app).post('/api/registrar/persons').set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json').send('{ nope').expect(400);
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message']);
    });

    it('answers 409 when the mobile is taken or the person exists', async () => {
      await post(carmen).expect(201);
      let r = await post({ ...carmen, documentNumber: '00000000T' }).expect(409);
      assert.equal(r.body.error, 'mobile-taken');
      assert.match(r.body.message, /exclusive second factor/);
      r = await post({ ...carmen, mobile: '+34600000099' }).expect(409);
      assert.equal(r.body.error, 'duplicate');
    });
  });
});
