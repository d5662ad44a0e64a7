// Memory for the znode tree: NodeArena for node blocks, and HugePageAllocator for the
// tree's one big array (the path index).
//
// Why: restoring a million znodes touches ~250 MB of fresh memory. With 4 KiB pages that
// is ~65k page faults, which cost about 0.9 s on the VMs we run on; with transparent huge
// pages (2 MiB) it is ~130 faults. So both map their memory in 2 MiB-aligned regions and
// madvise(MADV_HUGEPAGE) them (THP "madvise" mode is the common default). Where THP is
// off the hint is ignored and nothing else changes.
//
// Neither is thread-safe: each is owned by one DataTree (the state thread).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace zkd::tree {

// Maps `bytes` (a multiple of 2 MiB) aligned to 2 MiB, hinted for huge pages. Throws
// std::bad_alloc when the kernel refuses.
void* map_huge(size_t bytes);
void unmap_huge(void* p, size_t bytes);

// Variable-size blocks carved from 2 MiB slabs. Blocks carry no header (the caller passes
// the size back to deallocate) and sizes round up to 8 bytes, not malloc's 16.
//
// Reuse: a freed block goes on the free list of its size class (8-byte steps up to
// kMaxBlock) and serves the next allocation of that class. Slab memory goes back to the
// OS only when the arena is destroyed (as glibc's heap keeps small freed chunks). Blocks
// above kMaxBlock come from malloc.
class NodeArena {
 public:
  static constexpr size_t kMaxBlock = 4096;
  static constexpr size_t kSlab = size_t{2} << 20;

  NodeArena() = default;
  ~NodeArena();
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  // The size a request of `bytes` really gets (usable in full by the caller).
  static size_t rounded(size_t bytes) { return bytes <= kMaxBlock ? (bytes + 7) & ~size_t{7} : bytes; }
  // 8-byte aligned; REQUIRES bytes > 0. Throws std::bad_alloc.
  void* allocate(size_t bytes);
  // REQUIRES: p from allocate(b) with rounded(b) == rounded(bytes).
  void deallocate(void* p, size_t bytes);

  size_t slab_bytes() const { return slabs_.size() * kSlab; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  void new_slab();

  std::vector<void*> slabs_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  std::array<FreeBlock*, kMaxBlock / 8 + 1> free_{};  // index: rounded size / 8
};

// std::allocator, except that arrays of 4 MiB and more are mapped with map_huge.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugeFrom = size_t{4} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kHugeFrom) return std::allocator<T>().allocate(n);
    return static_cast<T*>(map_huge(mapped(bytes)));
  }
  void deallocate(T* p, size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kHugeFrom) {
      std::allocator<T>().deallocate(p, n);
    } else {
      unmap_huge(p, mapped(bytes));
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }

 private:
  static size_t mapped(size_t bytes) { return (bytes + NodeArena::kSlab - 1) & ~(NodeArena::kSlab - 1); }
};

}  // namespace zkd::tree
