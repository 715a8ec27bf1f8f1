# validation: An asyncio multiplayer server keeps live player sessions in a WeakSet; a heartbeat running in a worker thread pings them while login handlers in other threads register new sessions.
# source: written blind from a description
import asyncio
import weakref


class PlayerSession:
    def __init__(self, player):
        self.player = player
        self.pings = 0
        self.alive = True


class SessionTracker:
    def __init__(self):
        self._sessions = weakref.WeakSet()
        self.by_player = {}
        self.pings_sent = 0

    def login(self, player):
        session = PlayerSession(player)
        self._sessions.add(session)  # RACE[a]: the set grows while heartbeat() iterates it
        self.by_player[player] = session
        return session

    def logout(self, player):
        session = self.by_player.pop(player, None)
        if session is not None:
            session.alive = False

    def heartbeat(self):
        for session in self._sessions:  # RACE[a]: "Set changed size during iteration" while logins add
            if session.alive:
                session.pings += 1  # RACE[c]: two concurrent heartbeats lose a ping on the same session
                self.pings_sent += 1  # RACE[b]: heartbeats running in two pool threads lose increments


async def login_burst(tracker, start, count):
    for n in range(start, start + count):
        await asyncio.to_thread(tracker.login, "player%d" % n)
        if n % 4 == 0:
            await asyncio.to_thread(tracker.logout, "player%d" % (n - 2))


async def heartbeats(tracker, rounds):
    for _ in range(rounds):
        try:
            await asyncio.to_thread(tracker.heartbeat)
        except RuntimeError:
            pass
        await asyncio.sleep(0)


async def main():
    tracker = SessionTracker()
    await asyncio.gather(login_burst(tracker, 0, 150), login_burst(tracker, 1000, 150),
                         heartbeats(tracker, 60), heartbeats(tracker, 60))
    print("sessions:", len(tracker.by_player), "pings sent:", tracker.pings_sent)


if __name__ == "__main__":
    asyncio.run(main())
