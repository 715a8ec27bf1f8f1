"""Two ways a lock protects nothing: a new lock per call, and no release on an exception."""
import threading

balance = {"alice": 100}
ledger_lock = threading.Lock()


def deposit(amount):
    # A lock created for this call alone excludes no other thread.
    with threading.Lock():
        balance["alice"] += amount


def withdraw(amount):
    ledger_lock.acquire()
    # If this raises, the lock is never released and every other thread waits forever.
    balance["alice"] -= amount
    ledger_lock.release()


threads = [threading.Thread(target=deposit, args=(5,)), threading.Thread(target=withdraw, args=(3,))]
for thread in threads:
    thread.start()
