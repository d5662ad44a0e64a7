#include "zkd/tree/node_arena.h"

#include <sys/mman.h>

#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace zkd::tree {

void* map_huge(size_t bytes) {
  constexpr size_t kAlign = NodeArena::kSlab;
  // Over-map by one alignment unit, then unmap the unaligned head and tail.
  void* raw = ::mmap(nullptr, bytes + kAlign, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kAlign - 1) & ~(uintptr_t{kAlign} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  uintptr_t tail = aligned + bytes;
  uintptr_t end = start + bytes + kAlign;
  if (end > tail) ::munmap(reinterpret_cast<void*>(tail), end - tail);
#ifdef MADV_HUGEPAGE
  // A hint: fails harmlessly (EINVAL) where THP is not built in.
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge(void* p, size_t bytes) { ::munmap(p, bytes); }

NodeArena::~NodeArena() {
  for (void* s : slabs_) unmap_huge(s, kSlab);
}

void NodeArena::new_slab() {
  // The old slab's tail (a multiple of 8 bytes) becomes a free block of its size.
  size_t tail = static_cast<size_t>(end_ - cur_);
  if (tail >= sizeof(FreeBlock)) deallocate(cur_, tail);
  slabs_.reserve(slabs_.size() + 1);
  char* s = static_cast<char*>(map_huge(kSlab));
  slabs_.push_back(s);
  cur_ = s;
  end_ = s + kSlab;
}

void* NodeArena::allocate(size_t bytes) {
  assert(bytes > 0);
  if (bytes > kMaxBlock) {
    void* p = std::malloc(bytes);
    if (!p) throw std::bad_alloc();
    return p;
  }
  size_t size = rounded(bytes);
  FreeBlock*& head = free_[size / 8];
  if (head) {
    FreeBlock* b = head;
    head = b->next;
    return b;
  }
  if (static_cast<size_t>(end_ - cur_) < size) new_slab();
  void* p = cur_;
  cur_ += size;
  return p;
}

void NodeArena::deallocate(void* p, size_t bytes) {
  if (bytes > kMaxBlock) {
    std::free(p);
    return;
  }
  size_t size = rounded(bytes);
  auto* b = new (p) FreeBlock{free_[size / 8]};
  free_[size / 8] = b;
}

}  // namespace zkd::tree
