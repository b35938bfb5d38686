// The server's request class (Node's `IncomingMessage` option). When a response finishes, Node
// "dumps" a request nobody read: it resumes the stream so that any body still on the wire is pulled
// off. For a request whose whole message has arrived and holds no unread bytes (every GET and
// DELETE, a POST without a body) there is nothing to pull, yet the stream still goes through
// resume, end, auto-destroy and close: four callbacks on the next tick, 10.5 % of the server's busy
// time in a profile of re-attaches (without them, 1.07× the re-attaches a second). Such a request is
// left as it is; the response, the connection and the next request on it are unaffected. Its 'end'
// and 'close' events never fire, so nothing may wait for them after the answer (Fastify listens for
// them only with handlerTimeout, onRequestAbort hooks or request.signal, none of which the server
// uses).
import { IncomingMessage } from 'node:http';

/** What Node's own `_dump` is (it is not in Node's type declarations). */
interface Dumpable {
  _dump(): void;
}

const nodeDump = (IncomingMessage.prototype as unknown as Dumpable)._dump;

export class IncomingRequest extends IncomingMessage {
  _dump(): void {
    // `complete`: the parser has seen the message's end; nothing buffered: no body bytes left to discard.
    if (this.complete && this.readableLength === 0) return;
    nodeDump.call(this);
  }
}
