// What the native CPU kernels share: storage types, float16/bfloat16 conversions that
// round to nearest even, and the thread split over an outer dimension.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

// The hot loops in two builds, chosen when the module loads by the CPU it runs on: AVX2
// (eight floats a step) and the x86-64 baseline, so the binary runs on any x86-64 CPU.
// -ffp-contract=off keeps FMA out of both: every build gives the same bits.
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define PLUGBOARD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PLUGBOARD_CLONES
#endif
// A helper of the hot loops, inlined into each of their builds (out of line, it would be
// the baseline build only).
#if defined(__GNUC__) || defined(__clang__)
#define PLUGBOARD_INLINE inline __attribute__((always_inline))
#else
#define PLUGBOARD_INLINE inline
#endif

namespace plugboard_native {

// The storage types: the reduced ones are their bits; every kernel computes them in float.
struct half_t {
    std::uint16_t bits;
};
struct bfloat16_t {
    std::uint16_t bits;
};

inline float bits_to_float(std::uint32_t w) {
    float f;
    std::memcpy(&f, &w, sizeof f);
    return f;
}

inline std::uint32_t float_to_bits(float f) {
    std::uint32_t w;
    std::memcpy(&w, &f, sizeof w);
    return w;
}

// IEEE half <-> float without branches on the value, so loops over them vectorise
// (the method of Maratyszcza's FP16 library, MIT licence): exact on load; on store,
// round to nearest even with overflow to inf, subnormals and a quiet NaN.
inline float half_to_float(std::uint16_t h) {
    const std::uint32_t w = static_cast<std::uint32_t>(h) << 16;
    const std::uint32_t sign = w & 0x80000000u;
    const std::uint32_t two_w = w + w;
    const float normalized = bits_to_float((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
    const float denormalized = bits_to_float((two_w >> 17) | (126u << 23)) - 0.5f;
    const std::uint32_t magnitude =
        two_w < (1u << 27) ? float_to_bits(denormalized) : float_to_bits(normalized);
    return bits_to_float(sign | magnitude);
}

inline std::uint16_t float_to_half(float f) {
    float base = (std::fabs(f) * 0x1.0p+112f) * 0x1.0p-110f;
    const std::uint32_t w = float_to_bits(f);
    const std::uint32_t shl1_w = w + w;
    const std::uint32_t sign = w & 0x80000000u;
    std::uint32_t bias = shl1_w & 0xFF000000u;
    bias = bias < 0x71000000u ? 0x71000000u : bias;
    base = bits_to_float((bias >> 1) + 0x07800000u) + base;
    const std::uint32_t bits = float_to_bits(base);
    const std::uint32_t exp_bits = (bits >> 13) & 0x00007C00u;
    const std::uint32_t mantissa_bits = bits & 0x00000FFFu;
    const std::uint32_t nonsign = exp_bits + mantissa_bits;
    return static_cast<std::uint16_t>((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

inline float bfloat16_to_float(std::uint16_t b) {
    return bits_to_float(static_cast<std::uint32_t>(b) << 16);
}

// Round to nearest even as ml_dtypes does; a NaN stays a (quiet) NaN of the same sign.
inline std::uint16_t float_to_bfloat16(float f) {
    const std::uint32_t w = float_to_bits(f);
    const bool nan = (w & 0x7FFFFFFFu) > 0x7F800000u;
    const std::uint32_t rounded = (w + 0x7FFFu + ((w >> 16) & 1u)) >> 16;
    return static_cast<std::uint16_t>(nan ? ((w >> 16) | 0x40u) : rounded);
}

// Storage type -> computation type, with the load and store between them.
template <typename T>
struct Compute;

template <>
struct Compute<float> {
    using type = float;
    static float load(float v) { return v; }
    static float store(float v) { return v; }
};

template <>
struct Compute<double> {
    using type = double;
    static double load(double v) { return v; }
    static double store(double v) { return v; }
};

template <>
struct Compute<half_t> {
    using type = float;
    static float load(half_t v) { return half_to_float(v.bits); }
    static half_t store(float v) { return half_t{float_to_half(v)}; }
};

template <>
struct Compute<bfloat16_t> {
    using type = float;
    static float load(bfloat16_t v) { return bfloat16_to_float(v.bits); }
    static bfloat16_t store(float v) { return bfloat16_t{float_to_bfloat16(v)}; }
};

template <typename T>
using compute_t = typename Compute<T>::type;

// A positive thread count from the environment variable `name`, or 0.
inline unsigned threads_from(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) {
        return 0;
    }
    char* end = nullptr;
    const long n = std::strtol(text, &end, 10);
    return (end != text && *end == '\0' && n > 0) ? static_cast<unsigned>(std::min(n, 64L)) : 0;
}

// The threads a kernel may use, read once: PLUGBOARD_NUM_THREADS, else OMP_NUM_THREADS
// (as BLAS and PyTorch read it), else the machine's cores; at most 64.
inline unsigned max_threads() {
    static const unsigned n = [] {
        unsigned wanted = threads_from("PLUGBOARD_NUM_THREADS");
        wanted = wanted ? wanted : threads_from("OMP_NUM_THREADS");
        wanted = wanted ? wanted : std::thread::hardware_concurrency();
        return std::max(1u, std::min(64u, wanted));
    }();
    return n;
}

// fn(begin, end) over [0, n) in contiguous slices, on up to max_threads() threads, each
// slice at least `grain` items (a thread costs tens of microseconds to start). The split
// only decides who computes an item, never how: results do not depend on the thread count.
template <typename Fn>
void parallel_for(std::int64_t n, std::int64_t grain, Fn&& fn) {
    if (n <= 0) {
        return;
    }
    const std::int64_t by_size = std::max<std::int64_t>(1, n / std::max<std::int64_t>(grain, 1));
    const std::int64_t threads = std::min<std::int64_t>(by_size, max_threads());
    if (threads <= 1) {
        fn(std::int64_t{0}, n);
        return;
    }
    const std::int64_t chunk = (n + threads - 1) / threads;
    std::vector<std::thread> workers;
    workers.reserve(static_cast<std::size_t>(threads - 1));
    for (std::int64_t t = 1; t < threads; ++t) {
        const std::int64_t begin = t * chunk;
        const std::int64_t end = std::min(n, begin + chunk);
        if (begin < end) {
            workers.emplace_back([&fn, begin, end] { fn(begin, end); });
        }
    }
    fn(std::int64_t{0}, std::min(n, chunk));
    for (auto& w : workers) {
        w.join();
    }
}

}  // namespace plugboard_native
