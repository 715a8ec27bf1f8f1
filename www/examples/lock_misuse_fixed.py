"""One lock for the ledger, always released."""
import threading

balance = {"alice": 100}
ledger_lock = threading.Lock()


def deposit(amount):
    with ledger_lock:
        balance["alice"] += amount


def withdraw(amount):
    with ledger_lock:
        balance["alice"] -= amount


threads = [threading.Thread(target=deposit, args=(5,)), threading.Thread(target=withdraw, args=(3,))]
for thread in threads:
    thread.start()
