# validation: An asyncio game-lobby server that pairs waiting players into matches, running the blocking rating lookup and pairing step in the default thread pool.
# source: written blind from a description
import asyncio
import random


class Matchmaker:
    def __init__(self):
        self.waiting = []
        self.matches = []
        self.matches_made = 0
        self.ratings = {}

    def rating(self, player):
        if player not in self.ratings:  # RACE[c]: two lookups for the same player both miss...
            self.ratings[player] = 1000 + random.Random(player).randint(-200, 200)  # RACE[c]: ...and both compute and store
        return self.ratings[player]

    def enqueue_and_pair(self, player):
        self.rating(player)
        self.waiting.append(player)
        if len(self.waiting) >= 2:  # RACE[a]: several threads see two players waiting...
            a = self.waiting.pop()  # RACE[a]: ...and pop the same players, or an empty list: IndexError
            b = self.waiting.pop()  # RACE[a]: IndexError after another thread took the second player
            self.matches.append((a, b, abs(self.ratings[a] - self.ratings[b])))
            self.matches_made += 1  # RACE[b]: counter incremented from every pool thread


async def player_arrives(loop, mm, player):
    await asyncio.sleep(random.random() / 500)
    try:
        await loop.run_in_executor(None, mm.enqueue_and_pair, player)
    except IndexError:
        pass


async def main():
    loop = asyncio.get_running_loop()
    mm = Matchmaker()
    players = ["p%03d" % i for i in range(400)]
    await asyncio.gather(*(player_arrives(loop, mm, p) for p in players))
    print("matches", mm.matches_made, "recorded", len(mm.matches), "still waiting", len(mm.waiting))


if __name__ == "__main__":
    asyncio.run(main())
