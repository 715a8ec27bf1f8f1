# validation: A multiplayer arena server where match threads post player scores to a shared leaderboard and track the season's best round, while the main thread prints live standings before the matches end.
# source: written blind from a description (holdout batch, 2026-12-05)
import random
import threading
import time


class Leaderboard:
    def __init__(self):
        self.scores = {}
        self.best_score = 0
        self.best_player = None

    def post(self, player, points):
        self.scores[player] = self.scores.get(player, 0) + points  # RACE[a]: inserts new players while the main thread iterates the dict
        if points > self.best_score:  # RACE[b]: two matches can both beat the old record...
            self.best_score = points  # RACE[b]: ...and the lower score may be written last
            self.best_player = player  # RACE[b]: best_player and best_score can come from different matches

    def standings(self, top=5):
        ranked = []
        for player, total in self.scores.items():  # RACE[a]: iterates the scores while match threads add new players
            ranked.append((total, player))
        ranked.sort(reverse=True)
        return ranked[:top]


def play_match(board, match_id, players, rounds, seed):
    rng = random.Random(seed)
    for _ in range(rounds):
        for player in players:
            board.post(player, rng.randint(0, 100))
        time.sleep(0.0003)


def main():
    board = Leaderboard()
    matches = []
    for m in range(6):
        players = [f"m{m}-p{p}" for p in range(8)]
        t = threading.Thread(target=play_match, args=(board, m, players, 30, m))
        matches.append(t)
        t.start()
    for tick in range(3):
        print(f"live standings #{tick}:", board.standings(3))
        time.sleep(0.002)
    for t in matches:
        t.join()
    print("final standings:", board.standings())
    print(f"season best: {board.best_player} with {board.best_score}")


if __name__ == "__main__":
    main()
