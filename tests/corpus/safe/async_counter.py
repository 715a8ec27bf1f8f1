# asyncio only: one event loop thread, no threads started.
import asyncio

requests_served = 0
cache = {}


async def handle(reader, writer):
    global requests_served
    line = await reader.readline()
    key = line.decode().strip()
    if key not in cache:
        cache[key] = key.upper()
    requests_served += 1
    writer.write((cache[key] + "\n").encode())
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 9000)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
