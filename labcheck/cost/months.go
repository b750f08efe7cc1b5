package cost

import "math"

// The lab over time: data written at a steady rate from the first hour of month 1, kept by stores that hold it
// from one age to another (S3 Standard until the archive or expiry day, Standard-IA after it, a stream beyond
// seven days). The stores grow month by month until what they drop equals what arrives.

// Months is how many months the estimate looks ahead.
const Months = 12

// forever is an age nothing reaches: a store without an expiry.
var forever = math.Inf(1)

// held is the mean amount a store holds during month m (from 1) of data written at one unit an hour that it
// keeps from age from to age to (hours): in GB-months when the rate is GB an hour. Month 1 of a store that keeps
// everything is half the month's writes.
func held(m int, from, to float64) float64 {
	t0, t1 := monthStart(m), monthStart(m+1)
	return (upTo(to, t0, t1) - upTo(from, t0, t1)) / (t1 - t0)
}

// upTo is the integral of min(t, c) over t from t0 to t1: the data, at one unit an hour, younger than c at t.
func upTo(c, t0, t1 float64) float64 {
	switch {
	case c >= t1:
		return (t1*t1 - t0*t0) / 2
	case c <= t0:
		return c * (t1 - t0)
	}
	return (c*c-t0*t0)/2 + c*(t1-c)
}

// reaching is the hours of writes that reach age (hours) during month m: an object written at w reaches it at w+age.
func reaching(m int, age float64) float64 {
	t0, t1 := monthStart(m), monthStart(m+1)
	return math.Max(0, t1-age-math.Max(0, t0-age))
}

// monthStart is the first hour of month m.
func monthStart(m int) float64 { return float64(m-1) * Month.Hours() }

// byMonth is f of every month, 1 to Months.
func byMonth(f func(m int) float64) []float64 {
	q := make([]float64, Months)
	for m := range q {
		q[m] = f(m + 1)
	}
	return q
}
