import t from 'tap';
import { createSecretBox } from '../../../shared/crypto/secretBox.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

t.test('seals and opens a secret; the ciphertext does not contain it', async (t) => {
  const box = createSecretBox(KEY);
  const sealed = box.seal('1000.access-token-value', 'client-1');
  t.notOk(sealed.ciphertext.includes(Buffer.from('access-token-value')), 'not readable');
  t.equal(sealed.iv.length, 12);
  t.equal(box.open(sealed, 'client-1'), '1000.access-token-value');
  t.not(box.seal('same', 'c').iv.toString('hex'), box.seal('same', 'c').iv.toString('hex'), 'a fresh IV every time');
});

t.test('refuses another key, another row, or tampered bytes', async (t) => {
  const sealed = createSecretBox(KEY).seal('token', 'client-1');
  t.throws(() => createSecretBox(Buffer.alloc(32, 2).toString('base64')).open(sealed, 'client-1'), 'another key');
  t.throws(() => createSecretBox(KEY).open(sealed, 'client-2'), 'bound to its row');
  const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
  tampered.ciphertext[0]! ^= 1;
  t.throws(() => createSecretBox(KEY).open(tampered, 'client-1'), 'tampered');
  t.throws(() => createSecretBox(Buffer.alloc(16).toString('base64')), /32 bytes/, 'a short key is refused');
});
