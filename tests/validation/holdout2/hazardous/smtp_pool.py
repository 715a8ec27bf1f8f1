# validation: An SMTP connection pool library for a newsletter service, handing out idle connections or opening new ones up to a limit, shared by every thread that sends mail.
# source: written blind from a description
# mode: library
import threading


class FakeSMTP:
    """Stands in for smtplib.SMTP so the smoke test needs no mail server."""

    def __init__(self, host):
        self.host = host
        self.open = True
        self.outbox = []

    def sendmail(self, sender, rcpt, body):
        if not self.open:
            raise OSError("connection closed")
        self.outbox.append((sender, rcpt, body))

    def close(self):
        self.open = False


class SMTPPool:
    def __init__(self, host, max_size=4, connect=FakeSMTP):
        self.host = host
        self.max_size = max_size
        self._connect = connect
        self._idle = []
        self._opened = 0
        self._lock = threading.Lock()
        self.sent = 0

    def acquire(self):
        if self._idle:  # RACE[a]: two callers both see the last idle connection
            return self._idle.pop()  # RACE[a]: the second pop raises IndexError on the emptied list
        if self._opened >= self.max_size:  # RACE[b]: several callers pass the limit check together and open too many connections
            raise RuntimeError(f"SMTP pool for {self.host} exhausted")
        self._opened += 1  # RACE[b]: unlocked increment races with itself and with the locked decrement in discard()
        return self._connect(self.host)

    def release(self, conn):
        with self._lock:
            self._idle.append(conn)

    def discard(self, conn):
        conn.close()
        with self._lock:
            self._opened -= 1  # RACE[b]: this side holds the lock, acquire() changes the same count without it

    def send(self, sender, rcpt, body):
        conn = self.acquire()
        try:
            conn.sendmail(sender, rcpt, body)
        except OSError:
            self.discard(conn)
            raise
        self.sent += 1  # RACE[c]: lost update of the sent-mail counter
        self.release(conn)


if __name__ == "__main__":
    pool = SMTPPool("smtp.example.test", max_size=2)
    for rcpt in ("ana@example.test", "bo@example.test", "cy@example.test"):
        pool.send("news@example.test", rcpt, "Spring sale starts Monday")
    print("sent:", pool.sent, "opened:", pool._opened, "idle:", len(pool._idle))
