"""An SMTP sink: a real SMTP server on loopback that keeps every message it
accepts, so tests check what the module really sent. It speaks RFC 5321
(EHLO/HELO, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, VRFY, QUIT; the
commands' order enforced) with PIPELINING (RFC 2920), 8BITMIME and
SMTPUTF8, on an asyncio event loop of its own thread. It is written on
asyncio.Protocol rather than aiosmtpd: a pipelined group is answered in one
write and nothing is parsed until a test asks, so it accepts several
thousand messages a second (`make bench` measures delivery against it).

    sink = SmtpSink(port=free_port()); sink.start()
    mail = sink.wait_for(to="jdoe@example.test", subject="code")
    mail.body                     # the text/plain part, decoded
    sink.reject_with("451 4.3.0 try later")   # every DATA answered 451
    sink.slow_down(0.01)          # each message kept, its 250 sent 10 ms later
    sink.stop(); sink.start()     # down and back on the same port
"""
import asyncio
import email
import email.policy
import threading
import time

from . import util


class Mail:
    """One accepted message. The message is parsed on first use (the sink
    only keeps the bytes while it is busy accepting)."""

    def __init__(self, mail_from, rcpt_tos, raw, received_at=None):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.raw = raw
        self.received_at = time.time() if received_at is None else received_at
        self._message = None

    @property
    def message(self):
        """The email.message.EmailMessage (policy default)."""
        if self._message is None:
            self._message = email.message_from_bytes(self.raw, policy=email.policy.default)
        return self._message

    @property
    def subject(self):
        return str(self.message.get("Subject", ""))

    @property
    def body(self):
        """The text/plain body (the first such part), decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        if part is None:
            part = self.message
        content = part.get_content()
        return content if isinstance(content, str) else content.decode(errors="replace")

    def __repr__(self):
        return f"<Mail from={self.mail_from!r} to={self.rcpt_tos!r} subject={self.subject!r}>"


MAX_LINE = 4096             # a command line (RFC 5321 allows 512)
MAX_MESSAGE = 64 << 20      # DATA beyond this is refused (552)


def _address(arg, prefix):
    """The address of "FROM:<a@b> PARAMS" (prefix "FROM:"), or None."""
    if arg[:len(prefix)].upper() != prefix:
        return None
    rest = arg[len(prefix):].strip()
    if rest.startswith("<"):
        end = rest.find(">")
        return rest[1:end] if end > 0 else None
    return rest.split(" ", 1)[0] or None


class _Session(asyncio.Protocol):
    """One client connection."""

    def __init__(self, sink):
        self.sink = sink
        self.buf = bytearray()
        self.greeted = False
        self.data = None        # bytearray while reading DATA
        self.too_big = False
        self.mail_from = None
        self.rcpt_tos = []
        self.out = []
        self.transport = None
        self.waiting = False    # a reply to DATA is on its way (slow_down)

    def connection_made(self, transport):
        self.transport = transport
        self.sink._sessions.add(self)
        transport.write(f"220 {self.sink.host} ESMTP mod_mocourts test sink\r\n".encode())

    def connection_lost(self, exc):
        self.sink._sessions.discard(self)

    def _reset(self):
        self.mail_from = None
        self.rcpt_tos = []
        self.data = None
        self.too_big = False

    def data_received(self, chunk):
        self.buf += chunk
        self._serve()

    def _serve(self):
        """Answer what buf holds, unless a delayed reply is still to come
        (replies keep the order of the commands)."""
        closing = False
        while self.buf and not closing and not self.waiting:
            if self.data is not None:
                if not self._read_data():
                    break
                continue
            nl = self.buf.find(b"\n")
            if nl < 0:
                if len(self.buf) > MAX_LINE:
                    self.out.append("500 5.5.2 Line too long")
                    closing = True
                break
            line = bytes(self.buf[:nl]).rstrip(b"\r")
            del self.buf[:nl + 1]
            closing = self._command(line.decode("utf-8", errors="replace"))
        if self.out:
            self.transport.write(("\r\n".join(self.out) + "\r\n").encode("utf-8"))
            self.out = []
        if closing:
            self.transport.close()

    def _read_data(self):
        """Move complete DATA lines from buf; True when the message ended."""
        while True:
            nl = self.buf.find(b"\n")
            if nl < 0:
                return False
            line = bytes(self.buf[:nl + 1])
            del self.buf[:nl + 1]
            if line in (b".\r\n", b".\n"):
                self._end_data()
                return True
            if line.startswith(b"."):
                line = line[1:]
            if len(self.data) + len(line) > MAX_MESSAGE:
                self.too_big = True
            else:
                self.data += line

    def _end_data(self):
        raw = bytes(self.data)
        reply = self.sink._reply
        if self.too_big:
            reply = "552 5.3.4 Message too big"
        if reply is None:
            mail = Mail(self.mail_from, list(self.rcpt_tos), raw)
            with self.sink._lock:
                self.sink._mails.append(mail)
            reply = "250 2.0.0 Message accepted for delivery"
        self._reset()
        delay = self.sink._delay
        if delay:
            # Kept now, answered later: a client that dies meanwhile has had
            # its message delivered without hearing so (as with a real relay).
            self.waiting = True
            asyncio.get_running_loop().call_later(delay, self._answer_late, reply)
        else:
            self.out.append(reply)

    def _answer_late(self, reply):
        self.waiting = False
        if self.transport.is_closing():
            return
        self.out.append(reply)
        self._serve()   # writes the reply, then answers what came meanwhile

    def _command(self, line):
        """Answer one command line; True when the connection is to close."""
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        arg = arg.strip()
        out = self.out
        if verb == "EHLO" or verb == "HELO":
            if not arg:
                out.append(f"501 Syntax: {verb} hostname")
                return False
            self._reset()
            self.greeted = True
            if verb == "HELO":
                out.append(f"250 {self.sink.host}")
            else:
                out.extend([f"250-{self.sink.host}", "250-8BITMIME", "250-SMTPUTF8",
                            "250-PIPELINING", "250 HELP"])
        elif verb == "MAIL":
            addr = _address(arg, "FROM:")
            if not self.greeted:
                out.append("503 5.5.1 Error: send HELO first")
            elif self.mail_from is not None:
                out.append("503 5.5.1 Error: nested MAIL command")
            elif addr is None:
                out.append("501 5.5.4 Syntax: MAIL FROM: <address>")
            else:
                self.mail_from = addr
                out.append("250 OK")
        elif verb == "RCPT":
            addr = _address(arg, "TO:")
            if self.mail_from is None:
                out.append("503 5.5.1 Error: need MAIL command")
            elif not addr:
                out.append("501 5.5.4 Syntax: RCPT TO: <address>")
            else:
                self.rcpt_tos.append(addr)
                out.append("250 OK")
        elif verb == "DATA":
            if arg:
                out.append("501 Syntax: DATA")
            elif not self.rcpt_tos:
                out.append("503 5.5.1 Error: need RCPT command")
            else:
                self.data = bytearray()
                out.append("354 End data with <CR><LF>.<CR><LF>")
        elif verb == "RSET":
            self._reset()
            out.append("250 OK")
        elif verb == "NOOP":
            out.append("250 OK")
        elif verb == "VRFY":
            out.append("252 Cannot VRFY user, but will accept message and attempt delivery")
        elif verb == "QUIT":
            out.append("221 Bye")
            return True
        else:
            out.append(f'500 Error: command "{verb[:20]}" not recognized')
        return False


class SmtpSink:
    def __init__(self, port, host="127.0.0.1"):
        self.host = host
        self.port = port
        self._mails = []
        self._lock = threading.Lock()
        self._reply = None
        self._delay = 0
        self._loop = None
        self._server = None
        self._thread = None
        self._sessions = set()

    def start(self):
        if self._loop is not None:
            return
        ready = threading.Event()
        failure = []

        def run(loop):
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(loop.create_server(
                    lambda: _Session(self), self.host, self.port, reuse_address=True))
            except OSError as e:
                failure.append(e)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=run, args=(loop,), daemon=True,
                                        name=f"smtp-sink-{self.port}")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"the SMTP sink on port {self.port} did not start")
        if failure:
            self._thread.join()
            raise failure[0]
        self._loop = loop

    def stop(self):
        """Close the listener and every open connection (a client then sees
        the server gone, as with a real outage)."""
        if self._loop is None:
            return

        async def close():
            self._server.close()
            for session in list(self._sessions):
                session.transport.abort()
            await self._server.wait_closed()
            asyncio.get_running_loop().stop()

        asyncio.run_coroutine_threadsafe(close(), self._loop)
        self._thread.join(timeout=10)
        self._loop = None
        self._server = None

    @property
    def running(self):
        return self._loop is not None

    def reject_with(self, reply):
        """Answer every DATA with reply (e.g. "451 4.3.0 Try again later" or
        "550 5.1.1 No such user"); None accepts again."""
        self._reply = reply

    def slow_down(self, seconds):
        """Answer each accepted message `seconds` after keeping it (other
        connections go on meanwhile); 0 answers at once again."""
        self._delay = seconds

    def messages(self):
        """Every accepted message so far, oldest first (a copy)."""
        with self._lock:
            return list(self._mails)

    def clear(self):
        with self._lock:
            self._mails.clear()

    def find(self, predicate=None, to=None, subject=None):
        """The accepted messages matching all the given filters: predicate
        (callable on a Mail), to (an envelope recipient), subject (a
        case-insensitive substring of the Subject)."""
        out = []
        for m in self.messages():
            if to is not None and to.lower() not in (r.lower() for r in m.rcpt_tos):
                continue
            if subject is not None and subject.lower() not in m.subject.lower():
                continue
            if predicate is not None and not predicate(m):
                continue
            out.append(m)
        return out

    def wait_for(self, predicate=None, timeout=10, to=None, subject=None, count=1):
        """Poll until at least count messages match (see find); returns the
        first match (count=1) or the list of matches. AssertionError on
        timeout, listing what did arrive."""
        return util.wait_found(
            lambda: self.find(predicate, to=to, subject=subject), timeout, count,
            lambda: f"e-mail (to={to!r}, subject={subject!r}); received: {self.messages()!r}")

    def assert_none(self, predicate=None, to=None, subject=None):
        """Fail if a matching message has arrived. (To know that none is
        still on its way, wait for the outbox first: delivery_settled in
        tests/integration/helpers_core.py.)"""
        found = self.find(predicate, to=to, subject=subject)
        assert not found, f"unexpected e-mail: {found!r}"
