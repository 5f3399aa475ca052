"""An SMTP sink: a real SMTP server (aiosmtpd) on loopback that keeps every
message it accepts, so tests check what the module really sent.

    sink = SmtpSink(port=free_port()); sink.start()
    mail = sink.wait_for(to="jdoe@example.test", subject="code")
    mail.body                     # the text/plain part, decoded
    sink.reject_with("451 4.3.0 try later")   # every DATA answered 451
    sink.stop(); sink.start()     # down and back on the same port
"""
import email
import email.policy
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage
    raw: bytes
    received_at: float = field(default_factory=time.time)

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


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        reply = self.sink._reply
        if reply is not None:
            return reply
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        mail = Mail(envelope.mail_from, list(envelope.rcpt_tos), msg, raw)
        with self.sink._lock:
            self.sink._mails.append(mail)
        return "250 2.0.0 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port, host="127.0.0.1"):
        self.host = host
        self.port = port
        self._mails = []
        self._lock = threading.Lock()
        self._reply = None
        self._controller = None

    def start(self):
        if self._controller is not None:
            return
        # A fresh controller each time: one can not be restarted after stop.
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                      ready_timeout=10, enable_SMTPUTF8=True)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self):
        return self._controller is not None

    def reject_with(self, reply):
        """Answer every DATA with reply (e.g. "451 4.3.0 Try again later" or
        "550 5.1.1 No such user"); None accepts again."""
        self._reply = reply

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
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(predicate, to=to, subject=subject)
            if len(found) >= count:
                return found[0] if count == 1 else found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no{'' if count == 1 else f' {count}'} matching e-mail within {timeout}s "
                    f"(to={to!r}, subject={subject!r}); received: {self.messages()!r}")
            time.sleep(0.05)

    def assert_none(self, predicate=None, to=None, subject=None, wait=0.0):
        """Fail if a matching message arrives (waiting `wait` seconds first)."""
        if wait:
            time.sleep(wait)
        found = self.find(predicate, to=to, subject=subject)
        assert not found, f"unexpected e-mail: {found!r}"
