# validation: A wallet service where deposits are serialised by a lock but the nightly interest job and fee charges update balances directly.
# source: written blind from a description
import threading
from decimal import Decimal


class Wallet:
    def __init__(self, owner: str, balance: str = "0") -> None:
        self.owner = owner
        self.balance = Decimal(balance)
        self._lock = threading.Lock()
        self.history: list[tuple[str, Decimal]] = []

    def deposit(self, amount: Decimal) -> None:
        self._lock.acquire()
        self.balance += amount
        self.history.append(("deposit", amount))
        self._lock.release()

    def charge_fee(self, fee: Decimal) -> None:
        self.balance -= fee  # RACE[a]: read-modify-write without the wallet lock; races with deposit() and apply_interest()
        self.history.append(("fee", fee))

    def apply_interest(self, rate: Decimal) -> None:
        interest = (self.balance * rate).quantize(Decimal("0.01"))  # RACE[a]: reads a balance that other threads are changing
        self.balance = self.balance + interest  # RACE[a]: writes back over deposits and fees made since the read; they are lost
        self.history.append(("interest", interest))


def deposit_stream(wallet: Wallet, n: int) -> None:
    for _ in range(n):
        wallet.deposit(Decimal("10.00"))


def fee_stream(wallet: Wallet, n: int) -> None:
    for _ in range(n):
        wallet.charge_fee(Decimal("0.25"))


def interest_job(wallet: Wallet, rounds: int) -> None:
    for _ in range(rounds):
        wallet.apply_interest(Decimal("0.0001"))


def main() -> None:
    wallet = Wallet("ada", "1000.00")
    threads = [
        threading.Thread(target=deposit_stream, args=(wallet, 3000)),
        threading.Thread(target=deposit_stream, args=(wallet, 3000)),
        threading.Thread(target=fee_stream, args=(wallet, 3000)),
        threading.Thread(target=interest_job, args=(wallet, 300)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    replayed = Decimal("1000.00") + sum((a if kind != "fee" else -a) for kind, a in wallet.history)
    print(f"balance={wallet.balance} replayed-history={replayed} entries={len(wallet.history)}")


if __name__ == "__main__":
    main()
