// A small SMTP server for the end-to-end run: the platform delivers its e-mail here over real
// SMTP, and each message it takes is appended to a file as one JSON line ({to, data}), where
// the specs read it.   node smtp-sink.mjs PORT FILE
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [port, file] = process.argv.slice(2);
writeFileSync(file, '');

createServer((socket) => {
  let buffered = '';
  let to = [];
  let data = null;
  socket.write('220 sink ESMTP\r\n');
  socket.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let end;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (data !== null) {
        if (line === '.') {
          appendFileSync(file, JSON.stringify({ to, data }) + '\n');
          to = [];
          data = null;
          socket.write('250 taken\r\n');
        } else {
          data += (line.startsWith('.') ? line.slice(1) : line) + '\r\n';
        }
        continue;
      }
      const command = line.toUpperCase();
      if (command.startsWith('EHLO')) socket.write('250-sink\r\n250 8BITMIME\r\n');
      else if (command.startsWith('RCPT TO:')) {
        to.push(line.slice(8).trim().replace(/^<|>$/g, ''));
        socket.write('250 OK\r\n');
      } else if (command === 'DATA') {
        data = '';
        socket.write('354 go on\r\n');
      } else if (command === 'QUIT') {
        socket.end('221 bye\r\n');
      } else socket.write('250 OK\r\n');
    }
  });
  socket.on('error', () => {});
}).listen(Number(port), '127.0.0.1');
