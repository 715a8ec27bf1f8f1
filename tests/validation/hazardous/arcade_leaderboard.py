# validation: An arcade backend where each game session thread records its score and updates a class-level high score and play counter.
# source: written blind from a description
import random
import threading


class GameSession:
    high_score = 0
    high_score_holder = ""
    games_played = 0

    def __init__(self, player: str, seed: int) -> None:
        self.player = player
        self.rng = random.Random(seed)

    def play(self) -> int:
        score = self.rng.randint(0, 100_000)
        type(self).games_played += 1  # RACE[b]: class attribute incremented through type(self) from every session thread; counts are lost
        if score > type(self).high_score:  # RACE[a]: check-then-act on the class-level record
            type(self).high_score = score  # RACE[a]: a lower score can overwrite a higher one written in between
            type(self).high_score_holder = self.player  # RACE[a]: holder and score are written separately and can disagree
        return score


def arcade_cabinet(player: str, seed: int, rounds: int, best: list) -> None:
    session = GameSession(player, seed)
    best.append(max(session.play() for _ in range(rounds)))


def main() -> None:
    best: list[int] = []
    players = [threading.Thread(target=arcade_cabinet, args=(f"player{i}", i, 3000, best)) for i in range(8)]
    for p in players:
        p.start()
    for p in players:
        p.join()
    print(f"true best={max(best)} recorded={GameSession.high_score} by {GameSession.high_score_holder}, games={GameSession.games_played}")


if __name__ == "__main__":
    main()
